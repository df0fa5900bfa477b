// One code at the door, in real Chromium against a real `imi up --demo`: the resident's phone page
// shows her code and renews it by itself; the test reads the QR the page drew (decoded from its SVG
// as a camera frame would be) and types it into the verifier page, which a door's staff key signs
// into. Allowed; logged for the resident; after her key is rotated, a code her phone made with the
// old key is refused.
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayClient, decodeOneCode, generatePrivateKey, privateKeyToAccount, signRotateKey } from "@imi-ledger/sdk";
import { connect, loadKey } from "../../cli/internal/connect.js";
import { buildWebApp, expectAccessible, imiJson, openBrowser, screenshot, startDemoNode, type DemoNode } from "./harness.js";
import { decodeQrSvg } from "./qrDecode.js";

let node: DemoNode;
let door: string;
const DESK = { width: 1280, height: 900 };

beforeAll(async () => {
  await buildWebApp();
  node = await startDemoNode();
  const created = await imiJson(node.dataDir, ["keys", "create", "--name", "door-1"]);
  expect(created, JSON.stringify(created)).toMatchObject({ ok: true });
  door = created.address as string;
  const granted = await imiJson(node.dataDir, ["roles", "grant", "verifier", door, "--key", "governor"]);
  expect(granted, JSON.stringify(granted)).toMatchObject({ ok: true });
}, 900_000);

afterAll(async () => node?.stop());

/** The code the page shows, read from the QR it drew. */
async function shownCode(page: Page): Promise<string> {
  const shown = page.getByTestId("my-code");
  await shown.waitFor({ timeout: 90_000 });
  const svg = await shown.locator("svg").evaluate((el) => ({ viewBox: el.getAttribute("viewBox") ?? "", path: el.querySelector("path")?.getAttribute("d") ?? "" }));
  const text = decodeQrSvg(svg);
  expect(text).toBeDefined();
  expect(text).toBe(await shown.getAttribute("data-code"));
  return text!;
}

async function verify(page: Page, code: string): Promise<{ verified: string | null; reason: string | null }> {
  await page.locator("#one-code-typed").fill(code);
  await page.getByRole("button", { name: "确定", exact: true }).click();
  const verdict = page.getByTestId("one-code-verdict");
  await verdict.waitFor({ timeout: 90_000 });
  const out = { verified: await verdict.getAttribute("data-verified"), reason: await verdict.getAttribute("data-reason") };
  return out;
}

describe("web app: one code at the door", () => {
  it("the phone shows a code that renews itself; the door verifies it; after the key is rotated an old code is refused", async () => {
    const phone = await openBrowser();
    const desk = await openBrowser(DESK);
    try {
      const { page } = phone;
      await page.goto(node.url);
      await page.locator("#keyfile").waitFor({ timeout: 60_000 });
      await page.locator("#keyfile").setInputFiles(node.citizen.keystore);
      await page.locator("#citizen").fill(node.citizen.id);
      await page.locator("#password").fill(node.citizen.password);
      await page.getByRole("button", { name: "把密钥保存在本设备上" }).click();
      await page.getByRole("heading", { level: 1, name: "登录" }).waitFor({ timeout: 60_000 });
      await page.locator("#password").fill(node.citizen.password);
      await page.getByRole("button", { name: "登录", exact: true }).click();
      await page.getByRole("heading", { level: 1, name: "谁查看了我的数据" }).waitFor({ timeout: 90_000 }).catch(async (error) => {
        await screenshot(page, "zh-CN-my-code-sign-in-failed");
        throw error;
      });
      await page.getByRole("link", { name: "我的码" }).click();
      await page.getByRole("heading", { level: 1, name: "我的码" }).waitFor({ timeout: 60_000 });
      const first = await shownCode(page);
      expect(decodeOneCode(first).status.citizen).toBe(node.citizen.id.toLowerCase());
      await expectAccessible(page, "my code");
      await screenshot(page, "zh-CN-my-code");

      const d = desk.page;
      await d.goto(new URL("/verifier", node.url).href);
      await d.getByRole("heading", { level: 1, name: "核验设备登录" }).waitFor({ timeout: 60_000 });
      await d.locator("#staff-key").setInputFiles(join(node.dataDir, "keys", "door-1.json"));
      await d.locator("#staff-password").fill(node.citizen.password);
      await d.getByRole("button", { name: "登录", exact: true }).click();
      await d.getByRole("heading", { level: 1, name: "核验居民的码" }).waitFor({ timeout: 90_000 });
      await expectAccessible(d, "verifier scan");
      expect(await verify(d, first)).toEqual({ verified: "true", reason: "ONE_CODE_VERIFIED" });
      await expectAccessible(d, "verifier verified");
      await screenshot(d, "zh-CN-verifier-verified");
      await d.getByRole("button", { name: "核验下一个" }).click();
      // Shown twice: refused.
      expect(await verify(d, first)).toEqual({ verified: "false", reason: "ONE_CODE_REPLAYED" });
      await d.getByRole("button", { name: "核验下一个" }).click();

      // The page makes a new code by itself.
      await page.waitForFunction((old) => document.querySelector("[data-testid=my-code]")?.getAttribute("data-code") !== old, first, { timeout: 90_000 });
      const second = await shownCode(page);
      expect(second).not.toBe(first);

      // The resident's key is replaced (relayed by the gateway with her signature): the code her phone made with the old key is refused.
      const chain = await connect({ dataDir: node.dataDir });
      const resident = chain.client(await loadKey({ key: node.citizen.key, dataDir: node.dataDir }));
      const next = privateKeyToAccount(generatePrivateKey());
      const rotate = await signRotateKey(resident, { citizen: node.citizen.id, newController: next.address });
      await createGatewayClient({ url: node.url }).relayRotateKey({ citizen: node.citizen.id, newController: next.address, authorization: rotate.authorization });
      expect(await verify(d, second)).toEqual({ verified: "false", reason: "ONE_CODE_NOT_CONTROLLER" });
      await screenshot(d, "zh-CN-verifier-refused");

      expect(phone.problems).toEqual([]);
      expect(desk.problems).toEqual([]);
    } finally {
      await phone.close();
      await desk.close();
    }
  }, 900_000);
});
