// The Services screen in real Chromium against one real `imi up --demo`: civil affairs anchors the
// demo citizen's marriage; she never gave the standing consent, so the vouchers are offered to her;
// she declines one, asks the agency that read her address to delete it, and sees its answer — in
// Chinese, then in English. axe checks the screen.
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayClient, decryptKeystore } from "@imi-ledger/sdk";
import { buildWebApp, expectAccessible, imiJson, openBrowser, screenshot, startDemoNode, type DemoNode } from "./harness.js";

let node: DemoNode;
let work: string;

const address = async (key: string) => `0x${(JSON.parse(await readFile(join(node.dataDir, "keys", `${key}.json`), "utf8")) as { address: string }).address.replace(/^0x/, "")}`.toLowerCase();

beforeAll(async () => {
  await buildWebApp();
  node = await startDemoNode();
  work = await mkdtemp(join(tmpdir(), "imi-web-services-"));
  const schema = await imiJson(node.dataDir, ["issuer", "schema", "register", "--key", "governor", "--name", "marriage-registration", "--version", "1", "--trust", await address("demo-issuer")]);
  expect(schema, JSON.stringify(schema)).toMatchObject({ ok: true });
  const file = join(work, "marriage.json");
  const issued = await imiJson(node.dataDir, ["issuer", "issue", "--key", "demo-issuer", "--schema", schema.schemaId as string, "--subject", node.citizen.id, "--claims", JSON.stringify({ event: "marriage", registeredOn: "2026-11-30" }), "--out", file]);
  expect(issued, JSON.stringify(issued)).toMatchObject({ ok: true });
  const anchored = await imiJson(node.dataDir, ["issuer", "anchor", file, "--key", "demo-issuer", "--no-progress"]);
  expect(anchored, JSON.stringify(anchored)).toMatchObject({ ok: true });
}, 900_000);

afterAll(async () => {
  await node?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("web app: services and requests to agencies", { timeout: 900_000 }, () => {
  it("she sees the offers a marriage opened, declines one, sends a deletion request and reads the agency's answer, in both languages", async () => {
    const browser = await openBrowser();
    const { page, problems } = browser;
    try {
      await page.goto(node.url);
      await page.locator("#keyfile").setInputFiles(node.citizen.keystore);
      await page.locator("#citizen").fill(node.citizen.id);
      await page.locator("#password").fill(node.citizen.password);
      await page.getByRole("button", { name: "把密钥保存在本设备上" }).click();
      await page.getByRole("heading", { level: 1, name: "登录" }).waitFor();
      await page.locator("#password").fill(node.citizen.password);
      await page.getByRole("button", { name: "登录", exact: true }).click();
      await page.getByRole("link", { name: "免申即享", exact: true }).click();
      await page.getByRole("heading", { level: 1, name: "免申即享" }).waitFor();
      // The services component works on the marriage while she looks: open the screen again (the session
      // lives in the page's memory, so not a reload) until the three offers are there.
      for (let i = 0; i < 120 && (await page.locator("li.service[data-state=offered]").count()) < 3; i++) {
        await page.waitForTimeout(1_000);
        await page.getByRole("link", { name: "我的证照" }).click();
        await page.getByRole("link", { name: "免申即享", exact: true }).click();
        await page.getByRole("heading", { level: 1, name: "免申即享" }).waitFor();
        await page.getByText("正在加载…").waitFor({ state: "detached" });
      }
      expect(await page.locator("li.service[data-state=offered]").count()).toBe(3);
      await expect(page.locator("li[data-service=prenatal-check-voucher] .card-title").textContent()).resolves.toBe("免费孕前优生健康检查券");

      await page.locator("li[data-service=prenatal-check-voucher]").getByRole("button", { name: "谢绝" }).click();
      await page.locator("li[data-service=prenatal-check-voucher][data-state=declined]").waitFor();
      await expect(page.getByRole("status").textContent()).resolves.toContain("已谢绝该服务");

      // A deletion request to the agency that read her address (the demo's agency 1).
      const agency = await address("demo-agency-1");
      await page.getByRole("button", { name: "提交请求" }).click();
      await page.getByRole("alert").getByText("请选择机构。").waitFor();
      await page.locator("#request-agency").selectOption(agency);
      await page.getByLabel("删除我的数据").check();
      await page.locator("#request-details").fill("请删除我的住址。");
      await page.getByRole("button", { name: "提交请求" }).click();
      await page.locator("li.request[data-request=deletion][data-state=sent]").waitFor();
      await screenshot(page, "services-zh");

      // The agency answers through the gateway.
      const gateway = createGatewayClient({ url: node.url });
      const password = (await readFile(join(node.dataDir, "keys", "password"), "utf8")).trim();
      await gateway.loginStaff({ signer: await decryptKeystore(await readFile(join(node.dataDir, "keys", "demo-agency-1.json"), "utf8"), password) });
      const { requests } = await gateway.getAgencyDataRequests();
      expect(requests.map((r) => [r.kind, r.citizen.toLowerCase(), r.details])).toEqual([["deletion", node.citizen.id.toLowerCase(), "请删除我的住址。"]]);
      await gateway.answerDataRequest({ id: requests[0].id, outcome: "done", note: "Address deleted." });
      // A department officer receives her application and returns it at its first stage.
      const granted = await imiJson(node.dataDir, ["roles", "grant", "department", await address("demo-issuer"), "--key", "governor"]);
      expect(granted, JSON.stringify(granted)).toMatchObject({ ok: true });
      const officer = createGatewayClient({ url: node.url });
      await officer.loginStaff({ signer: await decryptKeystore(await readFile(join(node.dataDir, "keys", "demo-issuer.json"), "utf8"), password) });
      const application = await officer.receiveApplication({ applicant: node.citizen.id, service: "business-licence", nodes: [{ name: "acceptance", limitSeconds: 86_400 }, { name: "decision", limitSeconds: 86_400 }] });
      await officer.recordApprovalStep({ id: application.id, kind: "returned", node: "acceptance", note: "Stamp missing." });

      await page.getByRole("button", { name: "Switch to English" }).click();
      await page.getByRole("link", { name: "My credentials" }).click();
      await page.getByRole("link", { name: "Services", exact: true }).click();
      await page.getByRole("heading", { level: 1, name: "Services" }).waitFor();
      await page.locator("li.request[data-state=answered]").waitFor();
      await expect(page.locator("li.request[data-state=answered] .status").textContent()).resolves.toMatch(/^Done on /);
      await expect(page.locator("li.request .answer-note").textContent()).resolves.toBe("Address deleted.");
      await expect(page.locator("li[data-service=prenatal-check-voucher] .status").textContent()).resolves.toBe("Declined");
      await expect(page.locator("li[data-service=premarital-check-voucher] .card-title").textContent()).resolves.toBe("Free pre-marital medical check voucher");
      await expectAccessible(page, "services");
      await screenshot(page, "services-en");

      // From Services to her applications: the returned one with each recorded step.
      await page.getByRole("link", { name: "My applications and their approval steps" }).click();
      await page.getByRole("heading", { level: 1, name: "My applications" }).waitFor();
      const card = page.locator("li.application[data-application=business-licence][data-state=returned]");
      await card.waitFor();
      await expect(card.locator(".status").textContent()).resolves.toBe("Returned to you");
      await expect(card.locator("li[data-step]").evaluateAll((steps) => steps.map((s) => s.getAttribute("data-step")))).resolves.toEqual(["received", "returned"]);
      await expect(card.locator(".step-note").textContent()).resolves.toBe("Stamp missing.");
      await expectAccessible(page, "approvals");
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
