// Community trust in real Chromium against one real `imi up --demo`: an attester endorses "stable
// employment" for a resident (the `imi community attest` command); the resident shares it with a
// neighbour for a week (Chinese); the neighbour sees it (English); the resident stops sharing; the
// neighbour no longer can (her screen, and the gateway itself, refuse); the resident sees the view in
// her list of who viewed her facts, by the neighbour's name. axe checks the screen in both languages.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { Contract, JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayClient, decryptKeystore, identityRegistryAbi, type Hex } from "@imi-ledger/sdk";
import { readNodeInfo } from "../../node/runtime/nodeInfo.js";
import { buildWebApp, expectAccessible, imiJson, openBrowser, screenshot, startDemoNode, type DemoNode } from "./harness.js";

let node: DemoNode;
let neighbour: { id: Hex; keystore: string };

const address = async (key: string) => `0x${(JSON.parse(await readFile(join(node.dataDir, "keys", `${key}.json`), "utf8")) as { address: string }).address.replace(/^0x/, "")}`.toLowerCase();

beforeAll(async () => {
  await buildWebApp();
  node = await startDemoNode();
  // The district's employment office holds the attester role; here the demo issuer's key plays it.
  const attester = await address("demo-issuer");
  const granted = await imiJson(node.dataDir, ["roles", "grant", "attester", attester, "--key", "governor"]);
  expect(granted, JSON.stringify(granted)).toMatchObject({ ok: true });
  const attested = await imiJson(node.dataDir, ["community", "attest", "--key", "demo-issuer", "--subject", node.citizen.id, "--fact", "stableEmployment", "--value", "yes"]);
  expect(attested, JSON.stringify(attested)).toMatchObject({ ok: true, fact: "stableEmployment", value: true, published: true });
  // The neighbour is the demo's second resident (Li Na): her identity id, by her key, from the chain.
  const info = await readNodeInfo(node.dataDir);
  const deployment = JSON.parse(await readFile(join(node.dataDir, "deployment.json"), "utf8")) as { contracts: { identityRegistry: string } };
  const provider = new JsonRpcProvider(info!.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const id = (await new Contract(deployment.contracts.identityRegistry, identityRegistryAbi as never, provider).identityOf(await address("demo-citizen-2"))) as Hex;
  provider.destroy();
  neighbour = { id, keystore: join(node.dataDir, "keys", "demo-citizen-2.json") };
}, 900_000);

afterAll(async () => {
  await node?.stop();
});

async function setUpAndSignIn(page: Page, keystore: string, citizen: string, lang: "zh-CN" | "en") {
  await page.goto(node.url);
  await page.getByRole("heading", { level: 1, name: "在本设备上设置" }).waitFor({ timeout: 60_000 });
  if (lang === "en") {
    await page.getByRole("button", { name: "Switch to English" }).click();
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Set up this device" }).waitFor({ timeout: 60_000 });
  }
  await page.locator("#keyfile").setInputFiles(keystore);
  await page.locator("#citizen").fill(citizen);
  await page.locator("#password").fill(node.citizen.password);
  await page.getByRole("button", { name: lang === "en" ? "Keep my key on this device" : "把密钥保存在本设备上" }).click();
  const signIn = lang === "en" ? "Sign in" : "登录";
  await page.getByRole("heading", { level: 1, name: signIn }).waitFor({ timeout: 60_000 });
  await page.locator("#password").fill(node.citizen.password);
  await page.getByRole("button", { name: signIn, exact: true }).click();
}

async function openCommunity(page: Page, lang: "zh-CN" | "en") {
  const name = lang === "en" ? "Community" : "共享社区";
  await page.getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor({ timeout: 60_000 });
}

/** To another screen and back, so the community screen loads afresh (a reload would sign out: the session lives in memory). */
async function away(page: Page, lang: "zh-CN" | "en") {
  const name = lang === "en" ? "My identity" : "我的身份";
  await page.getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor({ timeout: 60_000 });
}

/** The neighbour asks the gateway herself, with her key: the code she is refused with, or "ok". */
async function neighbourViewCode(shareId: Hex): Promise<string> {
  const account = await decryptKeystore(await readFile(neighbour.keystore, "utf8"), node.citizen.password);
  const gateway = createGatewayClient({ url: node.url });
  await gateway.loginCitizen({ signer: account, citizen: neighbour.id });
  try {
    await gateway.viewCommunityShare({ shareId });
    return "ok";
  } catch (error) {
    return (error as { gatewayCode?: string; code?: string }).gatewayCode ?? (error as { code?: string }).code ?? "?";
  }
}

describe("web app: community trust", () => {
  it("a resident shares stable employment with a neighbour for a week, the neighbour sees it, the resident stops, the neighbour no longer can, the resident sees the view", async () => {
    const resident = await openBrowser();
    const other = await openBrowser();
    try {
      // The resident (Chinese, the default).
      const r = resident.page;
      await setUpAndSignIn(r, node.citizen.keystore, node.citizen.id, "zh-CN");
      await openCommunity(r, "zh-CN");
      const fact = r.locator('[data-fact="stableEmployment"]');
      await fact.waitFor();
      expect(await fact.textContent()).toContain("稳定就业: 是");
      await expectAccessible(r, "zh-CN community");
      await screenshot(r, "zh-CN-community-1-facts");
      // Choose what, whom and for how long, check, then sign.
      await r.getByRole("button", { name: "继续" }).click();
      expect(await r.locator(".field-error").count()).toBe(2);
      await r.getByLabel("稳定就业: 是").check();
      await r.locator("#neighbour").fill(neighbour.id);
      await r.locator("#duration").selectOption("7");
      await r.getByRole("button", { name: "继续" }).click();
      await r.getByRole("heading", { name: "分享前请确认" }).waitFor();
      expect(await r.locator(".check-answers").textContent()).toContain("1 周");
      await screenshot(r, "zh-CN-community-2-check");
      await r.getByRole("button", { name: "确认并签名分享" }).click();
      await r.locator("[data-shared]").waitFor({ timeout: 60_000 });
      const card = r.locator('[data-share][data-status="active"]');
      await card.waitFor();
      const shareId = (await card.getAttribute("data-share")) as Hex;
      expect(await card.textContent()).toContain("稳定就业");
      expect(await card.textContent()).toContain(neighbour.id.toLowerCase());

      // The neighbour (English) sees it.
      const n = other.page;
      await setUpAndSignIn(n, neighbour.keystore, neighbour.id, "en");
      await openCommunity(n, "en");
      const offered = n.locator(`[data-shared-with-me="${shareId}"]`);
      await offered.waitFor();
      expect(await offered.textContent()).toContain("Chan Tai Man shares with you");
      await offered.getByRole("button", { name: "Look" }).click();
      await n.locator(`[data-seen="${shareId}"]`).waitFor();
      expect(await n.locator(`[data-seen="${shareId}"]`).textContent()).toContain("Stable employment: yes");
      await expectAccessible(n, "en community");
      await screenshot(n, "en-community-3-neighbour-sees");

      // The resident stops sharing.
      await card.getByRole("button", { name: "停止分享" }).click();
      await r.locator(`[data-share="${shareId}"][data-status="revoked"]`).waitFor({ timeout: 60_000 });

      // The neighbour no longer can: her screen offers nothing to look at, and the gateway refuses her.
      await away(n, "en");
      await openCommunity(n, "en");
      const ended = n.locator(`[data-shared-with-me="${shareId}"][data-status="revoked"]`);
      await ended.waitFor();
      expect(await ended.textContent()).toContain("Sharing stopped");
      expect(await ended.getByRole("button", { name: "Look" }).count()).toBe(0);
      expect(await neighbourViewCode(shareId)).toBe("SHARE_REVOKED");

      // The resident sees who viewed what, newest first: the refusal after she stopped, and the view.
      await away(r, "zh-CN");
      await openCommunity(r, "zh-CN");
      const views = r.locator("[data-decision]");
      await r.locator('[data-decision="allowed"]').waitFor();
      const texts = await views.allTextContents();
      expect(texts.some((t) => t.includes("Li Na 查看了：稳定就业, 是"))).toBe(true);
      expect(texts.some((t) => t.includes("Li Na 试图查看，被拒绝：对方已停止分享。"))).toBe(true);
      await screenshot(r, "zh-CN-community-4-views");
      expect([...resident.problems, ...other.problems]).toEqual([]);
    } finally {
      await resident.close();
      await other.close();
    }
  }, 900_000);
});
