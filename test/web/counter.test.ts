// The service counter in real Chromium against a real `imi up --demo`, at a counter's desk: the
// registrar signs in with the staff key, is refused nothing-sent on an invalid form, registers a
// resident (the record to the vault, the identity on chain, signed in the browser and relayed by
// the gateway), and the slip shows the new identity number as a QR code that decodes to it; then
// starts a key recovery for that resident. In Chinese (the default) and in English.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Wallet } from "ethers";
import { createGatewayClient, decryptKeystore, initiateRecoveryCall, registrationCall, reviewStatutoryCall, signDeskTransaction, type Address, type Hex } from "@imi-ledger/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebApp, expectAccessible, openBrowser, screenshot, startDemoNode, type DemoNode } from "./harness.js";
import { decodeQrSvg } from "./qrDecode.js";

let node: DemoNode;
const DESK = { width: 1280, height: 900 };

beforeAll(async () => {
  await buildWebApp();
  node = await startDemoNode();
}, 900_000);

afterAll(async () => {
  await node?.stop();
});

const TEXT = {
  "zh-CN": {
    signInTitle: "政务服务窗口登录",
    signIn: "登录",
    desk: "政务服务窗口",
    register: "登记居民",
    registerButton: "登记",
    slip: "登记回执",
    registered: "已完成登记",
    qrLabel: "居民身份编号的二维码",
    recovery: "启动密钥找回",
    recoveryButton: "启动找回",
    recoveryStarted: "已启动密钥找回",
    idInvalid: "请输入 18 位身份证号码",
  },
  en: {
    signInTitle: "Service counter sign in",
    signIn: "Sign in",
    desk: "Service counter",
    register: "Register a resident",
    registerButton: "Register",
    slip: "Registration slip",
    registered: "is registered",
    qrLabel: "The resident's identity number as a QR code",
    recovery: "Start a key recovery",
    recoveryButton: "Start the recovery",
    recoveryStarted: "Key recovery started",
    idInvalid: "Enter the 18-character identity card number",
  },
} as const;

describe("web app: the service counter", () => {
  for (const lang of ["zh-CN", "en"] as const) {
    it(`${lang}: the registrar signs in, registers a resident, shows the slip with the id as a QR, and starts a key recovery`, async () => {
      const text = TEXT[lang];
      const browser = await openBrowser(DESK);
      const { page } = browser;
      try {
        await page.goto(new URL("/counter", node.url).href);
        if (lang === "en") {
          await page.getByRole("heading", { level: 1, name: TEXT["zh-CN"].signInTitle, exact: true }).waitFor({ timeout: 60_000 });
          await page.getByRole("button", { name: "Switch to English" }).click();
        }
        await page.getByRole("heading", { level: 1, name: text.signInTitle, exact: true }).waitFor({ timeout: 60_000 });
        await expectAccessible(page, `${lang} counter sign in`);
        await screenshot(page, `${lang}-counter-1-sign-in`);
        await page.locator("#staff-key").setInputFiles(join(node.dataDir, "keys", "demo-registrar.json"));
        await page.locator("#staff-password").fill(node.citizen.password);
        await page.getByRole("button", { name: text.signIn, exact: true }).click();
        await page.getByRole("heading", { level: 1, name: text.desk, exact: true }).waitFor({ timeout: 90_000 });
        // The keystore is kept on this desk, still encrypted: never the key itself.
        const stored = await page.evaluate(
          () =>
            new Promise<string>((resolve, reject) => {
              const open = indexedDB.open("imi-staff");
              open.onsuccess = () => {
                const get = open.result.transaction("keys").objectStore("keys").get("registrar");
                get.onsuccess = () => resolve(JSON.stringify(get.result));
                get.onerror = () => reject(get.error);
              };
            }),
        );
        expect(stored).toContain("ciphertext");
        await expectAccessible(page, `${lang} counter desk`);

        await page.getByRole("button", { name: text.register }).click();
        // An invalid form is refused here, with each problem tied to its field; nothing is sent.
        await page.locator("#reg-name").fill("Zhou Min");
        await page.locator("#reg-id-number").fill("12345");
        await page.getByRole("button", { name: text.registerButton, exact: true }).click();
        await page.locator(".error-summary").waitFor();
        expect(await page.locator(".error-summary").textContent()).toContain(text.idInvalid);
        await expectAccessible(page, `${lang} counter register, errors`);
        await screenshot(page, `${lang}-counter-2-register-errors`);

        const idNumber = lang === "en" ? "11010819880305002X" : "110108198803050011";
        await page.locator("#reg-id-number").fill(idNumber);
        await page.locator("#reg-birth-date").fill("1988-03-05");
        await page.locator("#reg-district").fill("Haidian");
        let residentKey: string | undefined;
        if (lang === "en") {
          // The resident brings their own key: its address is typed (or scanned from their phone).
          residentKey = Wallet.createRandom().address;
          await page.locator('input[name="reg-key-kind"][value="own"]').check();
          await page.locator("#reg-controller").fill(residentKey);
        } else {
          await page.locator("#reg-key-password").fill("counter-test-password");
        }
        await page.getByRole("button", { name: text.registerButton, exact: true }).click();
        await page.getByRole("heading", { level: 1, name: text.slip, exact: true }).waitFor({ timeout: 120_000 });
        expect(await page.getByRole("status").first().textContent()).toContain(text.registered);
        const citizen = (await page.getByTestId("slip-citizen").textContent())!.trim();
        expect(citizen).toMatch(/^0x[0-9a-f]{64}$/);
        // The QR code on the slip decodes to exactly that identity number.
        const qr = page.getByRole("img", { name: text.qrLabel });
        const drawn = await qr.evaluate((svg) => ({ viewBox: svg.getAttribute("viewBox")!, path: svg.querySelector("path")!.getAttribute("d")! }));
        expect(decodeQrSvg(drawn)).toBe(citizen);
        if (lang === "zh-CN") {
          // The resident's new key file, made in this browser, is offered for download.
          const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "保存居民的密钥文件" }).click()]);
          const keystore = JSON.parse(await readFile((await download.path())!, "utf8")) as { address: string; crypto?: unknown; Crypto?: unknown };
          expect(keystore.crypto ?? keystore.Crypto).toBeDefined();
        }
        await expectAccessible(page, `${lang} counter slip`);
        await screenshot(page, `${lang}-counter-3-slip`);

        // A key recovery for the resident just registered, started at the counter.
        await page.getByRole("button", { name: lang === "en" ? "Next resident" : "下一位居民" }).click();
        await page.getByRole("button", { name: text.recovery }).click();
        await page.getByRole("heading", { level: 1, name: text.recovery, exact: true }).waitFor();
        await page.locator("#rec-citizen").fill(citizen);
        await page.locator("#rec-new-key").fill(Wallet.createRandom().address);
        await expectAccessible(page, `${lang} counter recovery`);
        await page.getByRole("button", { name: text.recoveryButton }).click();
        await page.getByRole("heading", { level: 1, name: text.recoveryStarted, exact: true }).waitFor({ timeout: 120_000 });
        await expectAccessible(page, `${lang} counter recovery started`);
        await screenshot(page, `${lang}-counter-4-recovery-started`);
        expect(browser.problems).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 600_000);
  }

  it("refuses to relay a desk transaction that is not the signer's role's, and reads only the deployment's contracts", async () => {
    const params = await fetch(new URL(`/v1/signers/${Wallet.createRandom().address}/transaction`, node.url));
    expect(params.status).toBe(200);
    expect(await params.json()).toMatchObject({ nonce: 0 });
    const unauthenticated = await fetch(new URL("/v1/staff/transactions", node.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ signedTransaction: "0x00" }) });
    expect(unauthenticated.status).toBe(401);
    const elsewhere = await fetch(new URL("/v1/chain/call", node.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: Wallet.createRandom().address, data: "0x00" }) });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.json()).toMatchObject({ code: "NOT_A_DEPLOYMENT_CONTRACT" });
  });

  it("relays a desk transaction only when it is the logged-in signer's own and a call its role may send; nothing else reaches the chain", async () => {
    const gateway = createGatewayClient({ url: node.url });
    const deployment = (await (await fetch(new URL("/v1/deployment", node.url))).json()) as { contracts: Record<string, Address> };
    const keys = join(node.dataDir, "keys");
    const registrar = await decryptKeystore(await readFile(join(keys, "demo-registrar.json"), "utf8"), node.citizen.password);
    const auditor = await decryptKeystore(await readFile(join(keys, "demo-auditor.json"), "utf8"), node.citizen.password);
    const { token } = await gateway.loginStaff({ signer: registrar });
    const before = await Promise.all([gateway.getTransactionParams({ signer: registrar.address }), gateway.getTransactionParams({ signer: auditor.address })]);
    const refusal = (p: Promise<unknown>) => p.then(() => "relayed", (e: { gatewayCode?: string; code?: string }) => e.gatewayCode ?? e.code);
    // A registrar may not review a statutory grant (the auditor's call), even signed by itself.
    const review = await signDeskTransaction(gateway, { account: registrar, to: deployment.contracts.consentRegistry, data: reviewStatutoryCall({ grantId: `0x${"11".repeat(32)}` as Hex, outcome: `0x${"22".repeat(32)}` as Hex }) });
    expect(await refusal(gateway.relayStaffTransaction({ signedTransaction: review, token }))).toBe("ROLE_NOT_HELD");
    // A registration goes through POST /v1/registrar/citizens with its record, never through the desk relay.
    const register = await signDeskTransaction(gateway, { account: registrar, to: deployment.contracts.identityRegistry, data: registrationCall({ controller: Wallet.createRandom().address as Address, level: 2, record: { identity: { name: "X" } } }).data });
    expect(await refusal(gateway.relayStaffTransaction({ signedTransaction: register, token }))).toBe("TRANSACTION_MISMATCH");
    // Another staff member's signed recovery is not this session's to send.
    const foreign = await signDeskTransaction(gateway, { account: auditor, to: deployment.contracts.identityRegistry, data: initiateRecoveryCall({ citizen: node.citizen.id, newController: Wallet.createRandom().address as Address }) });
    expect(await refusal(gateway.relayStaffTransaction({ signedTransaction: foreign, token }))).toBe("WRONG_SIGNER");
    // None of them was sent: the registrar's and the auditor's nonces are where they were.
    expect(await refusal(gateway.relayStaffTransaction({ signedTransaction: "0x1234" as Hex, token }))).toBe("INVALID_TRANSACTION");
    expect((await gateway.getTransactionParams({ signer: registrar.address })).nonce).toBe(before[0].nonce);
    expect((await gateway.getTransactionParams({ signer: auditor.address })).nonce).toBe(before[1].nonce);
  });
});
