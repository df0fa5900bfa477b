// An enterprise's pages in real Chromium against one real `imi up --demo`: the counter registers an
// enterprise whose legal representative is the demo's first resident; she signs in, acts for the
// enterprise (the banner on every screen), shows the enterprise's one code, which a counter's verifier
// device checks and finds naming the enterprise, and appoints the second resident as staff (credit and
// tracker scopes); the credit authority black-lists the enterprise; the staff member, in her own
// browser and in English, is refused the consents and the enterprise code (outside her scopes, said in
// words), then files a repair with two evidence files hashed in the browser; the authority approves
// through `imi`; an agency's question about the enterprise is refused and logged; the legal
// representative sees the entry ended, the repair approved and the refused access in the enterprise's
// tracker, pauses the enterprise's consent (within her scopes), opens an agency's consent request link
// naming the enterprise (asked to act for it first, then brought back) and signs it for the
// enterprise, and goes back to her own identity. axe checks every screen; any CSP report fails the
// walk.
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { Contract, JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeOneCode, encodeConsentRequestLink, enterpriseIdOf, identityRegistryAbi, repairEvidenceHash, type Hex } from "@imi-ledger/sdk";
import { readNodeInfo } from "../../node/runtime/nodeInfo.js";
import { buildWebApp, expectAccessible, imiJson, openBrowser, screenshot, startDemoNode, type DemoNode } from "./harness.js";
import { decodeQrSvg } from "./qrDecode.js";

const CODE = "91440300708461136T";
const NAME = "示例科技有限公司";
const ENTERPRISE = enterpriseIdOf(CODE).toLowerCase();

let node: DemoNode;
let staff: { id: Hex; keystore: string };
let authority: string;
let schemaId: string;

const address = async (key: string) => `0x${(JSON.parse(await readFile(join(node.dataDir, "keys", `${key}.json`), "utf8")) as { address: string }).address.replace(/^0x/, "")}`.toLowerCase();
const ok = (r: Record<string, unknown>) => expect(r, JSON.stringify(r)).toMatchObject({ ok: true });

beforeAll(async () => {
  await buildWebApp();
  node = await startDemoNode();
  // The demo's issuer key plays the legal-person counter, the credit authority and a counter's verifier device here.
  authority = await address("demo-issuer");
  ok(await imiJson(node.dataDir, ["roles", "grant", "verifier", authority, "--key", "governor"]));
  ok(await imiJson(node.dataDir, ["roles", "grant", "counter", authority, "--key", "governor"]));
  ok(await imiJson(node.dataDir, ["roles", "grant", "credit_authority", authority, "--key", "governor"]));
  const record = join(node.dataDir, "enterprise-record.json");
  await writeFile(record, JSON.stringify({ licence: { number: "JY44030020260001", kind: "food-business", validUntil: "2030-12-31", status: "valid" }, tax: { standing: "arrears", asOf: "2026-11-30" } }));
  ok(await imiJson(node.dataDir, ["enterprise", "register", "--key", "demo-issuer", "--code", CODE, "--legal-representative", node.citizen.id, "--name", NAME, "--record", record]));
  const schema = await imiJson(node.dataDir, ["issuer", "schema", "register", "--name", "tax-arrears-blacklist", "--version", "1", "--trust", authority]);
  ok(schema);
  schemaId = schema.schemaId as string;
  ok(await imiJson(node.dataDir, ["credit", "define-list", "--schema", schemaId, "--kind", "black", "--public"]));
  // The staff member is the demo's second resident (Li Na): her identity id, by her key, from the chain.
  const info = await readNodeInfo(node.dataDir);
  const deployment = JSON.parse(await readFile(join(node.dataDir, "deployment.json"), "utf8")) as { contracts: { identityRegistry: string } };
  const provider = new JsonRpcProvider(info!.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const id = (await new Contract(deployment.contracts.identityRegistry, identityRegistryAbi as never, provider).identityOf(await address("demo-citizen-2"))) as Hex;
  provider.destroy();
  staff = { id, keystore: join(node.dataDir, "keys", "demo-citizen-2.json") };
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

/** Opens a tab of the menu and waits for its screen. */
async function open(page: Page, name: string) {
  await page.getByRole("link", { name, exact: true }).first().click();
  await page.getByRole("heading", { level: 1, name }).waitFor({ timeout: 60_000 });
}

describe("web app: an enterprise's pages", () => {
  it("the legal representative appoints staff, the staff member files a repair with evidence, the authority approves, and the representative sees it ended in the tracker", async () => {
    const repBrowser = await openBrowser();
    const staffBrowser = await openBrowser();
    try {
      // The legal representative (Chinese, the default) acts for the enterprise.
      const r = repBrowser.page;
      await setUpAndSignIn(r, node.citizen.keystore, node.citizen.id, "zh-CN");
      await r.getByRole("heading", { level: 1, name: "谁查看了我的数据" }).waitFor({ timeout: 60_000 });
      await open(r, "企业");
      const card = r.locator(`[data-enterprise="${ENTERPRISE}"]`);
      await card.waitFor();
      expect(await card.textContent()).toContain(CODE);
      expect(await card.textContent()).toContain("法定代表人");
      await expectAccessible(r, "zh-CN enterprises");
      await card.getByRole("button", { name: `代表 ${NAME} 办理` }).click();
      const banner = r.locator(".acting-banner[data-acting-for-enterprise]");
      await banner.waitFor();
      expect(await banner.textContent()).toBe(`代表 ${NAME} 办理`);
      await expectAccessible(r, "zh-CN acting for the enterprise");
      await screenshot(r, "zh-CN-enterprise-1-acting");

      // The enterprise's one code (企业码), signed by her key over a staple naming the enterprise and her scopes;
      // a counter's verifier device checks the text the page shows, and the verdict names the enterprise.
      await open(r, "企业码");
      const shown = r.getByTestId("enterprise-code");
      await shown.waitFor({ timeout: 90_000 });
      const code = (await shown.getAttribute("data-code")) ?? "";
      const svg = await shown.locator("svg").evaluate((el) => ({ viewBox: el.getAttribute("viewBox") ?? "", path: el.querySelector("path")?.getAttribute("d") ?? "" }));
      expect(decodeQrSvg(svg)).toBe(code);
      expect(decodeOneCode(code).status.enterprise?.toLowerCase()).toBe(ENTERPRISE);
      expect(await shown.locator("[data-code-scopes]").getAttribute("data-code-scopes")).toBe("consent,tracker,credit,identity");
      expect(await shown.textContent()).toContain(CODE);
      expect(await r.locator(".acting-banner").textContent()).toBe(`代表 ${NAME} 办理`);
      await expectAccessible(r, "zh-CN enterprise code");
      await screenshot(r, "zh-CN-enterprise-1b-code");
      const checked = await imiJson(node.dataDir, ["verifier", "check", code, "--key", "demo-issuer"]);
      expect(checked, JSON.stringify(checked)).toMatchObject({ ok: true, verified: true, reason: "ONE_CODE_VERIFIED" });
      expect((checked.citizen as string).toLowerCase()).toBe(node.citizen.id.toLowerCase());
      expect((checked.enterprise as string).toLowerCase()).toBe(ENTERPRISE);
      expect(checked.scopeNames).toEqual(expect.arrayContaining(["identity", "consent"]));

      // Appoint the staff member: the form refuses empty answers, then a check page, then her signature.
      await open(r, "经办人");
      await r.getByRole("heading", { name: "授权经办人" }).waitFor();
      await r.getByRole("button", { name: "继续" }).click();
      expect(await r.locator(".field-error").count()).toBe(3);
      await expectAccessible(r, "zh-CN staff form with errors");
      await r.locator("#staff").fill(staff.id);
      await r.getByLabel("查看访问记录").check();
      await r.getByLabel("信用修复").check();
      await r.locator("#until").fill("2030-01-01");
      await r.getByRole("button", { name: "继续" }).click();
      await r.getByRole("heading", { name: "授权前请确认" }).waitFor();
      expect(await r.locator(".check-answers").textContent()).toContain("查看访问记录、信用修复");
      await expectAccessible(r, "zh-CN staff check");
      await r.getByRole("button", { name: "确认并签名授权" }).click();
      await r.locator(`[data-staff="${staff.id.toLowerCase()}"][data-active="true"]`).waitFor({ timeout: 60_000 });
      expect(await r.locator(".acting-banner").textContent()).toBe(`代表 ${NAME} 办理`);
      await expectAccessible(r, "zh-CN staff appointed");
      await screenshot(r, "zh-CN-enterprise-2-staff");

      // The credit authority black-lists the enterprise for unpaid tax.
      const recorded = await imiJson(node.dataDir, ["credit", "record", "--key", "demo-issuer", "--schema", schemaId, "--subject", CODE, "--legal-basis", "《重大税收违法失信主体信息公布管理办法》第六条", "--reason", "101", "--until", "2030-01-01"]);
      ok(recorded);
      const entryId = (recorded.entryId as string).toLowerCase();
      // The legal representative's key granted the enterprise a consent earlier, from the command line.
      const granted = await imiJson(node.dataDir, ["consent", "grant", "--key", "demo-citizen-1", "--citizen", ENTERPRISE, "--agency", await address("demo-agency-1"), "--scopes", "address", "--purpose", "social-benefits", "--for", "30d", "--yes"]);
      ok(granted);
      const consentId = (granted.consentId as string).toLowerCase();

      // The staff member (English, her own browser) acts for the enterprise.
      const s = staffBrowser.page;
      await setUpAndSignIn(s, staff.keystore, staff.id, "en");
      await s.getByRole("heading", { level: 1, name: "Who read my data" }).waitFor({ timeout: 60_000 });
      await open(s, "Enterprises");
      const hers = s.locator(`[data-enterprise="${ENTERPRISE}"]`);
      await hers.waitFor();
      expect(await hers.textContent()).toContain("Authorised staff, until");
      await hers.getByRole("button", { name: `Act for ${NAME}` }).click();
      await s.locator(".acting-banner[data-acting-for-enterprise]").waitFor();
      expect(await s.locator(".acting-banner").textContent()).toBe(`Acting for ${NAME}`);
      // Consents are outside her scopes: the gateway refuses and the page says so in words.
      await open(s, "Its consents");
      const refusal = s.locator(".error-summary");
      await refusal.waitFor();
      expect(await refusal.textContent()).toBe("You are not the enterprise's legal representative, or not authorised for this.");
      await expectAccessible(s, "en consents refused");
      await screenshot(s, "en-enterprise-3-consents-refused");
      // Nor may she show the enterprise's code (no identity scope): the gateway staples nothing, and no code is shown.
      await open(s, "Enterprise code");
      await s.locator(".error-summary").waitFor({ timeout: 60_000 });
      expect(await s.locator(".error-summary").textContent()).toBe("You are not the enterprise's legal representative, or not authorised for this.");
      expect(await s.getByTestId("enterprise-code").count()).toBe(0);
      await expectAccessible(s, "en enterprise code refused");

      // Her repair application: the entry, two evidence files hashed in the browser, a check, her signature.
      await open(s, "Its credit");
      await s.locator(`[data-entry="${entryId}" i][data-kind="black"][data-status="listed"]`).waitFor();
      expect(await s.locator(`[data-entry="${entryId}" i]`).textContent()).toContain("tax-arrears-blacklist");
      await expectAccessible(s, "en credit");
      const files = [join(node.dataDir, "tax-receipt-2026-0042.txt"), join(node.dataDir, "bank-transfer-2026-11-30.txt")];
      await writeFile(files[0], "Tax paid in full: receipt 2026-0042, 128,400.00 CNY\n");
      await writeFile(files[1], "Bank transfer to the district tax bureau, 2026-11-30\n");
      const expected = repairEvidenceHash(await Promise.all(files.map(async (f) => `0x${createHash("sha256").update(await readFile(f)).digest("hex")}` as Hex)));
      await s.locator("#entry").selectOption(recorded.entryId as string);
      await s.locator("#evidence").setInputFiles(files);
      await s.locator(`[data-evidence-hash="${expected}"]`).waitFor();
      await s.getByRole("button", { name: "Continue" }).click();
      await s.getByRole("heading", { name: "Check before you apply" }).waitFor();
      expect(await s.locator(".check-answers").textContent()).toContain(expected);
      await expectAccessible(s, "en repair check");
      await s.getByRole("button", { name: "Sign and apply" }).click();
      await s.locator("[data-filed]").waitFor({ timeout: 60_000 });
      await s.locator('[data-repair][data-status="pending"]').waitFor();
      await expectAccessible(s, "en repair filed");
      await screenshot(s, "en-enterprise-4-repair-filed");

      // The authority approves from its queue; an agency asks about the enterprise without a consent (refused, logged).
      const queue = await imiJson(node.dataDir, ["credit", "repair", "queue"]);
      const pending = (queue.pending as Array<{ repairId: string; entryId: string; evidenceHash: string }>).find((p) => p.entryId.toLowerCase() === entryId);
      expect(pending?.evidenceHash.toLowerCase()).toBe(expected.toLowerCase());
      ok(await imiJson(node.dataDir, ["credit", "repair", "decide", pending!.repairId, "--approve", "--reason", "201", "--key", "demo-issuer"]));
      const asked = await imiJson(node.dataDir, ["agency", "ask", "--key", "demo-agency-2", "--citizen", ENTERPRISE, "--purpose", "social-benefits", "--age-at-least", "18"]);
      expect(asked.ok).toBe(false);

      // The legal representative sees the entry ended, the repair approved and the refused access.
      await open(r, "谁查看了企业数据");
      await r.locator(`[data-entry="${entryId}" i][data-status="ended"]`).waitFor({ timeout: 60_000 });
      await r.locator('[data-repair][data-status="approved"]').waitFor();
      expect(await r.locator('[data-repair][data-status="approved"]').textContent()).toContain("决定代码 201");
      await r.locator('[data-decision="denied"]').waitFor();
      await expectAccessible(r, "zh-CN enterprise tracker");
      await screenshot(r, "zh-CN-enterprise-5-tracker");

      // Within her scopes (the legal representative holds every one): she pauses the enterprise's consent after a check.
      await open(r, "企业的授权");
      const consent = r.locator(`[data-consent="${consentId}" i][data-status="active"]`);
      await consent.waitFor();
      await consent.getByRole("button", { name: "暂停" }).click();
      await r.locator('[data-checking="pause"]').waitFor();
      expect(await r.locator(".check-answers").textContent()).toContain(NAME);
      await expectAccessible(r, "zh-CN enterprise consent check");
      await r.getByRole("button", { name: "确认暂停" }).click();
      await r.locator(`[data-consent="${consentId}" i][data-status="paused"]`).waitFor({ timeout: 60_000 });
      await screenshot(r, "zh-CN-enterprise-6-consent-paused");

      // An agency's consent request link naming the enterprise, opened in the same tab (the reload ends her
      // session and her acting): after signing in it asks her to act for the enterprise first, then comes
      // back, and she signs the consent for the enterprise, which its consents page then lists.
      const link = encodeConsentRequestLink(node.url, { agency: (await address("demo-agency-1")) as Hex, categories: ["address"], purpose: "social-benefits", days: 7, uses: 3, enterprise: CODE });
      await r.goto(link);
      await r.getByRole("heading", { level: 1, name: "登录" }).waitFor({ timeout: 60_000 });
      await r.locator("#password").fill(node.citizen.password);
      await r.getByRole("button", { name: "登录", exact: true }).click();
      await r.getByRole("heading", { level: 1, name: "先选择代表哪家企业" }).waitFor({ timeout: 60_000 });
      expect(await r.locator(`[data-consent-request-enterprise="${ENTERPRISE}"]`).textContent()).toContain(CODE);
      await expectAccessible(r, "zh-CN enterprise request, act first");
      await open(r, "企业");
      await r.locator(`[data-enterprise="${ENTERPRISE}"]`).getByRole("button", { name: `代表 ${NAME} 办理` }).click();
      await r.locator(`[data-consent-for-enterprise="${ENTERPRISE}"]`).waitFor({ timeout: 60_000 });
      expect(await r.locator("h1").textContent()).toContain(NAME);
      expect(await r.locator(`[data-consent-for-enterprise]`).textContent()).toContain(CODE);
      await expectAccessible(r, "zh-CN enterprise consent request");
      await screenshot(r, "zh-CN-enterprise-7-consent-request");
      await r.getByRole("button", { name: "同意授权" }).click();
      const signed = r.locator("a[data-consent-id]");
      await signed.waitFor({ timeout: 60_000 });
      const requestedId = ((await signed.getAttribute("data-consent-id")) ?? "").toLowerCase();
      expect(await signed.getAttribute("href")).toBe("/enterprise/consents");
      await signed.click();
      await r.locator(`[data-consent="${requestedId}" i][data-status="active"]`).waitFor({ timeout: 60_000 });
      await expectAccessible(r, "zh-CN enterprise consent from a request");

      // Back to her own identity: the banner and the enterprise's menu go.
      await r.locator(".acting-banner a").click();
      await r.getByRole("button", { name: "回到我自己的身份" }).click();
      await r.getByRole("heading", { level: 1, name: "谁查看了我的数据" }).waitFor();
      expect(await r.locator(".acting-banner").count()).toBe(0);
      expect([...repBrowser.problems, ...staffBrowser.problems]).toEqual([]);
    } finally {
      await repBrowser.close();
      await staffBrowser.close();
    }
  }, 900_000);
});
