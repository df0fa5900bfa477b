// A citizen with only a phone: in real Chromium with a virtual platform authenticator (CDP
// WebAuthn, ctap2, internal transport, user verification on) she creates a passkey, the counter
// deploys her account and registers her identity with it as controller, she signs in with it,
// grants an agency's consent request and withdraws it, and cancels a key recovery someone started
// at a counter (the lost-phone flow, seen from the phone that was not lost); the chain holds every
// change signed by her passkey account (ERC-1271). At the door her phone shows her one code, signed
// by the passkey, and a door's device accepts it once. On a machine with a real phone the authenticator is the phone's.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createImiClient, createPasskeyAccount, decodeOneCode, decryptKeystore, encodeConsentRequestLink, passkeyAccountAddress, type Hex } from "@imi-ledger/sdk";
import { loadDeployment } from "@imi-ledger/sdk/node";
import { softPasskey } from "../helpers/softPasskey.js";
import { buildWebApp, expectAccessible, imiJson, openBrowser, screenshot, startDemoNode, type DemoNode } from "./harness.js";
import { decodeQrSvg } from "./qrDecode.js";

let node: DemoNode;
let origin: string;

const TEXT = {
  door: "用本手机的通行密钥（刷脸或指纹）",
  createTitle: "把这部手机当作您的密钥",
  create: "在本手机上创建通行密钥",
  signInTitle: "用通行密钥登录",
  signIn: "刷脸或指纹登录",
  consents: "我的授权",
  consentTitle: "区民政局请求您的授权",
  give: "同意授权",
  given: "已授权",
  toConsents: "返回我的授权",
  revoke: "撤回",
  confirmRevoke: "确认撤回",
  revoked: "授权已撤回",
  recoveryAlert: "有人申请更换您的密钥",
  cancelRecovery: "取消密钥找回",
  confirmCancelRecovery: "确认取消密钥找回",
  recoveryCancelled: "密钥找回已取消。",
  myCode: "我的码",
};

beforeAll(async () => {
  await buildWebApp();
  node = await startDemoNode();
  // WebAuthn refuses an IP address as relying party: the phone reaches the node by name.
  origin = node.url.replace("127.0.0.1", "localhost");
  // A community door's device: a verifier key, which may check codes and read nothing.
  expect(await imiJson(node.dataDir, ["keys", "create", "--name", "door-1"])).toMatchObject({ ok: true });
  const door = (JSON.parse(await readFile(join(node.dataDir, "keys", "door-1.json"), "utf8")) as { address: string }).address;
  expect(await imiJson(node.dataDir, ["roles", "grant", "verifier", `0x${door.replace(/^0x/, "")}`, "--key", "governor"])).toMatchObject({ ok: true });
}, 900_000);

afterAll(async () => {
  await node?.stop();
});

/** The virtual authenticator a phone would be: a platform passkey, face or fingerprint verified. */
async function addPhoneAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}

async function passkeySignIn(page: Page, citizen?: string): Promise<void> {
  await page.getByRole("link", { name: TEXT.door }).click();
  await page.getByRole("heading", { level: 1, name: TEXT.signInTitle }).waitFor({ timeout: 60_000 });
  if (citizen) await page.locator("#passkey-citizen").fill(citizen);
  await page.getByRole("button", { name: TEXT.signIn }).click();
}

describe("web app: a citizen with only a phone and a passkey", () => {
  it("zh-CN: creates a passkey, is registered with its account at the counter, signs in, grants and withdraws a consent, cancels a recovery she did not ask for; the chain takes her passkey's signatures", async () => {
    const browser = await openBrowser();
    const { page } = browser;
    try {
      await addPhoneAuthenticator(page);
      await page.goto(origin);
      await page.getByRole("link", { name: TEXT.door }).click();
      await page.getByRole("heading", { level: 1, name: TEXT.createTitle }).waitFor({ timeout: 60_000 });
      await expectAccessible(page, "passkey create");
      await page.getByRole("button", { name: TEXT.create }).click();
      await page.getByRole("heading", { level: 1, name: TEXT.signInTitle }).waitFor({ timeout: 60_000 });
      const account = ((await page.locator("[data-passkey-account]").getAttribute("data-passkey-account")) ?? "") as Hex;
      expect(account).toMatch(/^0x[0-9a-fA-F]{40}$/);
      const forCounter = JSON.parse((await page.locator("[data-passkey-key]").getAttribute("data-passkey-key")) ?? "{}") as { account: Hex; x: Hex; y: Hex };
      expect(forCounter.account).toBe(account);
      await expectAccessible(page, "passkey account for the counter");
      await screenshot(page, "zh-CN-12-passkey-account");

      // The counter, with what the phone shows: deploy the account (the address must come out the
      // same) and register the identity with it as controller.
      const keys = join(node.dataDir, "keys");
      const password = (await readFile(join(keys, "password"), "utf8")).trim();
      const registrar = await decryptKeystore(await readFile(join(keys, "demo-registrar.json"), "utf8"), password);
      const { rpcUrl } = JSON.parse(await readFile(join(node.dataDir, "node.json"), "utf8")) as { rpcUrl: string };
      const client = createImiClient({ rpc: rpcUrl, deployment: loadDeployment(join(node.dataDir, "deployment.json")), account: registrar });
      const deployed = await createPasskeyAccount(client, { publicKey: { x: forCounter.x, y: forCounter.y } });
      expect(deployed.address).toBe(account);
      const registered = await imiJson(node.dataDir, ["registrar", "register", "--key", "demo-registrar", "--controller", account, "--name", "Zhou Min", "--id-number", "110108196505050021", "--birth-date", "1965-05-05", "--district", "Haidian"]);
      expect(registered, JSON.stringify(registered)).toMatchObject({ ok: true });
      const citizen = registered.citizen as Hex;

      // Sign in with face or fingerprint (the virtual authenticator verifies the user).
      await page.locator("#passkey-citizen").fill(citizen);
      await page.getByRole("button", { name: TEXT.signIn }).click();
      await page.getByRole("heading", { level: 1, name: TEXT.consents }).waitFor({ timeout: 90_000 });

      // An agency's consent request link: the page loads afresh, she signs in with the passkey again
      // (the phone remembers her identity number) and grants it.
      const agency = `0x${(JSON.parse(await readFile(join(keys, "demo-agency-1.json"), "utf8")) as { address: string }).address.replace(/^0x/, "")}`;
      await page.goto(encodeConsentRequestLink(origin, { agency: agency as Hex, categories: ["address"], purpose: "social-benefits", days: 30, uses: 3 }));
      await passkeySignIn(page);
      await page.getByRole("heading", { level: 1, name: TEXT.consentTitle }).waitFor({ timeout: 90_000 });
      await page.getByRole("button", { name: TEXT.give }).click();
      await page.getByRole("heading", { level: 1, name: TEXT.given }).waitFor({ timeout: 90_000 });
      const consentId = ((await page.getByRole("link", { name: TEXT.toConsents }).getAttribute("data-consent-id")) ?? "") as Hex;
      expect(consentId).toMatch(/^0x[0-9a-f]{64}$/);
      const granted = await client.consent.get({ consentId });
      expect(granted.grantedBy.toLowerCase()).toBe(account.toLowerCase());
      expect(granted.status).toBe("active");

      // Withdraw it from her list; the passkey signs the Revoke.
      await page.getByRole("link", { name: TEXT.toConsents }).click();
      const item = page.locator(`li[data-consent="${consentId}"][data-status=active]`);
      await item.waitFor({ timeout: 60_000 });
      await item.getByRole("link", { name: TEXT.revoke }).click();
      await page.getByRole("button", { name: TEXT.confirmRevoke }).click();
      await page.getByRole("heading", { level: 1, name: TEXT.revoked }).waitFor({ timeout: 90_000 });
      expect((await client.consent.get({ consentId })).status).toBe("revoked");
      await screenshot(page, "zh-CN-13-passkey-revoked");

      // Someone at a counter starts a recovery of her identity to another phone's passkey account.
      // Her phone shows it, and her passkey (face or fingerprint) cancels it on the ledger.
      const other = softPasskey();
      const otherAccount = passkeyAccountAddress({ factory: client.deployment.contracts.passkeyAccountFactory!, publicKey: other.publicKey });
      const started = await imiJson(node.dataDir, ["registrar", "recover", citizen, "--new-controller", otherAccount, "--key", "demo-registrar"]);
      expect(started, JSON.stringify(started)).toMatchObject({ ok: true });
      expect((await client.identity.getRecovery({ citizen }))?.newController.toLowerCase()).toBe(otherAccount.toLowerCase());
      await page.getByRole("link", { name: TEXT.toConsents }).click();
      await page.getByRole("heading", { level: 2, name: TEXT.recoveryAlert }).waitFor({ timeout: 60_000 });
      await page.getByRole("link", { name: TEXT.cancelRecovery }).click();
      await page.getByRole("button", { name: TEXT.confirmCancelRecovery }).click();
      await page.getByRole("heading", { level: 1, name: TEXT.recoveryCancelled }).waitFor({ timeout: 90_000 });
      expect(await client.identity.getRecovery({ citizen })).toBeNull();
      expect((await client.identity.get({ citizen })).controller.toLowerCase()).toBe(account.toLowerCase());

      // At the door: the phone shows her one code, signed by the passkey (checked through her
      // account, ERC-1271); the door's device accepts it once and refuses it shown again.
      await page.getByRole("link", { name: TEXT.myCode }).click();
      await page.getByRole("heading", { level: 1, name: TEXT.myCode }).waitFor({ timeout: 60_000 });
      const shown = page.getByTestId("my-code");
      await shown.waitFor({ timeout: 90_000 });
      const code = (await shown.getAttribute("data-code")) ?? "";
      const svg = await shown.locator("svg").evaluate((el) => ({ viewBox: el.getAttribute("viewBox") ?? "", path: el.querySelector("path")?.getAttribute("d") ?? "" }));
      expect(decodeQrSvg(svg)).toBe(code);
      expect(decodeOneCode(code).status.controller.toLowerCase()).toBe(account.toLowerCase());
      await screenshot(page, "zh-CN-13-passkey-code");
      const checked = await imiJson(node.dataDir, ["verifier", "check", code, "--key", "door-1"]);
      expect(checked, JSON.stringify(checked)).toMatchObject({ ok: true, verified: true, reason: "ONE_CODE_VERIFIED", citizen });
      const again = await imiJson(node.dataDir, ["verifier", "check", code, "--key", "door-1"]);
      expect(again.error?.code, JSON.stringify(again)).toBe("ONE_CODE_REPLAYED");
      console.log(`one code signed by a passkey: ${code.length} characters`);

      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 900_000);
});
