// The rest of the citizen's side in real Chromium against one real `imi up --demo`, in both
// languages: her credentials with their status and one claim shown to a verifier as a QR (the
// agency's real check accepts what the QR carries, and only that claim); a consent granted from an
// agency's request link, then in her consent list; and replacing her key, after which the old key
// is refused and the new one signs. axe checks every new screen.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayClient, decryptKeystore, encodeConsentRequestLink, generatePrivateKey, privateKeyToAccount } from "@imi-ledger/sdk";
import { buildWebApp, expectAccessible, imiJson, openBrowser, screenshot, startDemoNode, type DemoNode } from "./harness.js";

let node: DemoNode;
let work: string;
let agency: string;
let credential: { file: string; hash: string };

const address = async (key: string) => `0x${(JSON.parse(await readFile(join(node.dataDir, "keys", `${key}.json`), "utf8")) as { address: string }).address.replace(/^0x/, "")}`.toLowerCase();

beforeAll(async () => {
  await buildWebApp();
  node = await startDemoNode();
  work = await mkdtemp(join(tmpdir(), "imi-web-extras-"));
  agency = await address("demo-agency-1");
  // A senior card for the demo citizen, issued and anchored as an issuer does it with the CLI; the
  // file is what the issuer hands her.
  const schema = await imiJson(node.dataDir, ["issuer", "schema", "register", "--key", "governor", "--name", "senior-card", "--version", String(Date.now()), "--trust", await address("demo-issuer")]);
  expect(schema, JSON.stringify(schema)).toMatchObject({ ok: true });
  const file = join(work, "senior-card.json");
  const issued = await imiJson(node.dataDir, ["issuer", "issue", "--key", "demo-issuer", "--schema", schema.schemaId as string, "--subject", node.citizen.id, "--claims", JSON.stringify({ age_over_65: true, card: "S-0042" }), "--out", file]);
  expect(issued, JSON.stringify(issued)).toMatchObject({ ok: true });
  const anchored = await imiJson(node.dataDir, ["issuer", "anchor", file, "--key", "demo-issuer", "--no-progress"]);
  expect(anchored, JSON.stringify(anchored)).toMatchObject({ ok: true });
  credential = { file, hash: (issued.credentialHash as string).toLowerCase() };
}, 900_000);

afterAll(async () => {
  await node?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const TEXT = {
  "zh-CN": {
    keep: "把密钥保存在本设备上",
    signIn: "登录",
    accesses: "谁查看了我的数据",
    credentials: "我的证照",
    valid: "有效",
    keepCredential: "保存在本设备上",
    showClaim: "出示“age_over_65”",
    discloseTitle: "请向核验方出示此码",
    consentTitle: "区民政局请求您的授权",
    agency: "区民政局",
    purpose: "社会福利审核",
    category: "住址",
    uses: "最多 3 次",
    legalBasis: "《社会救助暂行办法》第十一条、第二十七条",
    give: "同意授权",
    given: "已授权",
    toConsents: "返回我的授权",
    usedOf: "已使用 0 次，共 3 次",
    identity: "我的身份",
    rotate: "更换我的密钥",
    rotateCheck: "更换密钥前请确认",
    rotated: "密钥已更换",
    signOut: "退出",
  },
  en: {
    keep: "Keep my key on this device",
    signIn: "Sign in",
    accesses: "Who read my data",
    credentials: "My credentials",
    valid: "Valid",
    keepCredential: "Keep on this device",
    showClaim: "Show “age_over_65”",
    discloseTitle: "Show this code to the verifier",
    consentTitle: "District Civil Affairs Bureau asks for your consent",
    agency: "District Civil Affairs Bureau",
    purpose: "Social benefits assessment",
    category: "Address",
    uses: "at most 3 times",
    legalBasis: "Interim Measures for Social Assistance, arts. 11 and 27",
    give: "Give consent",
    given: "Consent given",
    toConsents: "Back to my consents",
    usedOf: "Used 0 of 3 times",
    identity: "My identity",
    rotate: "Replace my key",
    rotateCheck: "Check before you replace your key",
    rotated: "Your key was replaced",
    signOut: "Sign out",
  },
} as const;

type Lang = keyof typeof TEXT;

/** A fresh browser in `lang`, set up with `keystore` and signed in. */
async function signedIn(lang: Lang, keystore: string) {
  const browser = await openBrowser();
  const { page } = browser;
  await page.goto(node.url);
  await page.locator("#keyfile").waitFor({ timeout: 60_000 });
  if (lang === "en") {
    await page.getByRole("button", { name: "Switch to English" }).click();
    await page.reload();
    await page.locator("#keyfile").waitFor({ timeout: 60_000 });
  }
  await page.locator("#keyfile").setInputFiles(keystore);
  await page.locator("#citizen").fill(node.citizen.id);
  await page.locator("#password").fill(node.citizen.password);
  await page.getByRole("button", { name: TEXT[lang].keep }).click();
  await signIn(page, lang);
  return browser;
}

async function signIn(page: Page, lang: Lang): Promise<void> {
  await page.getByRole("heading", { level: 1, name: TEXT[lang].signIn }).waitFor({ timeout: 60_000 });
  await page.locator("#password").fill(node.citizen.password);
  await page.getByRole("button", { name: TEXT[lang].signIn, exact: true }).click();
}

/** The keystore this page keeps in IndexedDB (still encrypted). */
function storedKeystore(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open("imi");
        open.onsuccess = () => {
          const get = open.result.transaction("keys").objectStore("keys").get("citizen");
          get.onsuccess = () => resolve((get.result as { keystore: string }).keystore);
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

/** Citizen login straight at the gateway with a keystore file: the code it is refused with, or "ok". */
async function loginWith(keystore: string): Promise<string> {
  const account = await decryptKeystore(await readFile(keystore, "utf8"), node.citizen.password);
  let code = "?";
  // Once more on NETWORK only: the gateway closes a keep-alive socket idle for 10 s, and on a loaded
  // machine the scrypt above can outlast that, so the first request may go out on a socket just closed.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await createGatewayClient({ url: node.url }).loginCitizen({ signer: account, citizen: node.citizen.id });
      return "ok";
    } catch (error) {
      code = (error as { gatewayCode?: string; code?: string }).gatewayCode ?? (error as { code?: string }).code ?? "?";
      if (code !== "NETWORK") return code;
    }
  }
  return code;
}

describe("web app: the citizen's credentials, a consent from a link, her key", () => {
  for (const lang of ["zh-CN", "en"] as const) {
    it(`${lang}: lists her credentials with their status and shows one claim as a QR the agency's check accepts`, async () => {
      const text = TEXT[lang];
      const browser = await signedIn(lang, node.citizen.keystore);
      const { page } = browser;
      try {
        await page.getByRole("heading", { level: 1, name: text.accesses }).waitFor({ timeout: 60_000 });
        await page.getByRole("link", { name: text.credentials }).click();
        await page.getByRole("heading", { level: 1, name: text.credentials }).waitFor();
        const card = page.locator(`li[data-credential="${credential.hash}"]`);
        await card.waitFor();
        expect(await card.getAttribute("data-status")).toBe("valid");
        expect(await card.locator(".status").textContent()).toBe(text.valid);
        await expectAccessible(page, `${lang} credentials`);
        await screenshot(page, `${lang}-7-credentials`);

        // Keep the issuer's file on this device, then show one claim.
        await page.locator("#credentialfile").setInputFiles(credential.file);
        await page.getByRole("button", { name: text.keepCredential }).click();
        await card.getByRole("link", { name: text.showClaim }).click();
        await page.getByRole("heading", { level: 1, name: text.discloseTitle }).waitFor();
        const qr = page.locator("svg[data-qr-value]");
        const carried = (await qr.getAttribute("data-qr-value")) ?? "";
        const presentation = JSON.parse(carried) as { disclosures: Array<{ name: string }> };
        expect(presentation.disclosures.map((d) => d.name)).toEqual(["age_over_65"]);
        expect(carried).not.toContain("S-0042"); // the other claim stays on the phone
        await expectAccessible(page, `${lang} disclose one claim`);
        await screenshot(page, `${lang}-8-disclose`);

        // The verifier's side: what the QR carries checks out at the gateway, with that claim only.
        const verdict = await imiJson(node.dataDir, ["agency", "verify-credential", carried, "--key", "demo-agency-1", "--subject", node.citizen.id]);
        expect(verdict, JSON.stringify(verdict)).toMatchObject({ ok: true, valid: true, claims: { age_over_65: true } });
        expect(Object.keys(verdict.claims as object)).toEqual(["age_over_65"]);
        expect(browser.problems).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 600_000);

    it(`${lang}: opens an agency's consent request link, reads it by name, grants it by signing, and sees it in her consents`, async () => {
      const text = TEXT[lang];
      const link = encodeConsentRequestLink(node.url, { agency: agency as `0x${string}`, categories: ["address"], purpose: "social-benefits", days: 30, uses: 3 });
      const browser = await signedIn(lang, node.citizen.keystore);
      const { page } = browser;
      try {
        await page.getByRole("heading", { level: 1, name: text.accesses }).waitFor({ timeout: 60_000 });
        // Opening the link loads the page afresh (the session lives in memory): sign in, then back to the request.
        await page.goto(link);
        await signIn(page, lang);
        await page.getByRole("heading", { level: 1, name: text.consentTitle }).waitFor({ timeout: 60_000 });
        const words = (await page.getByTestId("plain-words").textContent()) ?? "";
        for (const part of [text.agency, text.purpose, text.category, text.uses]) expect(words).toContain(part);
        expect(words).not.toMatch(/0x[0-9a-f]{8}/i);
        // What the agency registered on chain: the purpose as it declared it and its legal basis.
        expect(await page.getByTestId("declared-purpose").textContent()).toBe(text.purpose);
        expect(await page.getByTestId("legal-basis").textContent()).toBe(text.legalBasis);
        await expectAccessible(page, `${lang} consent request`);
        await screenshot(page, `${lang}-9-consent-request`);
        await page.getByRole("button", { name: text.give }).click();
        await page.getByRole("heading", { level: 1, name: text.given }).waitFor({ timeout: 90_000 });
        await expectAccessible(page, `${lang} consent given`);
        const toConsents = page.getByRole("link", { name: text.toConsents });
        const consentId = (await toConsents.getAttribute("data-consent-id")) ?? "";
        expect(consentId).toMatch(/^0x[0-9a-f]{64}$/);
        await toConsents.click();
        const item = page.locator(`li[data-consent="${consentId}"][data-status=active]`);
        await item.waitFor();
        expect(await item.textContent()).toContain(text.agency);
        expect(await item.locator(".uses").textContent()).toBe(text.usedOf);
        // The agency reads under it.
        const read = await imiJson(node.dataDir, ["agency", "request", "--key", "demo-agency-1", "--citizen", node.citizen.id, "--scopes", "address", "--purpose", "social-benefits", "--grant", consentId]);
        expect(read, JSON.stringify(read)).toMatchObject({ ok: true });
        // A link that was changed is refused with its code, nothing signed.
        await page.goto(link.replace("days=30", "days=0"));
        await signIn(page, lang);
        await page.locator("[data-code=INVALID_CONSENT_REQUEST]").waitFor({ timeout: 60_000 });
        await expectAccessible(page, `${lang} bad consent request`);
        expect(browser.problems).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 600_000);
  }

  it("zh-CN then en: a guardian sees whom she acts for, switches to her ward within the scope, and back", async () => {
    // A grandchild in her care: registered at the counter with a key of its own, and the demo
    // citizen's key appointed guardian over two categories until the child turns 18.
    const childKey = privateKeyToAccount(generatePrivateKey()).address;
    const child = await imiJson(node.dataDir, ["registrar", "register", "--key", "demo-registrar", "--controller", childKey, "--name", "Chan Siu Ming", "--id-number", "110108201605010011", "--birth-date", "2016-05-01", "--district", "Haidian"]);
    expect(child, JSON.stringify(child)).toMatchObject({ ok: true });
    const ward = (child.citizen as string).toLowerCase();
    const guardian = (JSON.parse(await readFile(node.citizen.keystore, "utf8")) as { address: string }).address;
    const appointed = await imiJson(node.dataDir, ["registrar", "guardian", ward, `0x${guardian.replace(/^0x/, "")}`, "--key", "demo-registrar", "--scopes", "identity,address", "--until", "2034-05-01"]);
    expect(appointed, JSON.stringify(appointed)).toMatchObject({ ok: true });
    const words = { "zh-CN": { tab: "监护", act: "代被监护人 1 办理", acting: "正在以监护人身份办理", back: "回到我自己的身份", scope: "身份信息和住址" }, en: { tab: "Guardianship", act: "Act for person 1", acting: "Acting as a guardian", back: "Back to my own identity", scope: "Identity and Address" } } as const;
    for (const lang of ["zh-CN", "en"] as const) {
      const text = TEXT[lang];
      const browser = await signedIn(lang, node.citizen.keystore);
      const { page } = browser;
      try {
        await page.getByRole("heading", { level: 1, name: text.accesses }).waitFor({ timeout: 60_000 });
        await page.getByRole("link", { name: words[lang].tab }).click();
        const card = page.locator(`li[data-ward="${ward}"]`);
        await card.waitFor();
        expect(await card.textContent()).toContain(words[lang].scope);
        await expectAccessible(page, `${lang} guardianship`);
        await screenshot(page, `${lang}-12-guardianship`);
        await card.getByRole("button", { name: words[lang].act }).click();
        // Her screens are now the ward's, under a guardian session, with the banner on every screen.
        await page.getByRole("heading", { level: 1, name: text.accesses }).waitFor({ timeout: 60_000 });
        await page.locator(`.acting-banner[data-acting-for="${ward}"]`).waitFor();
        expect(await page.locator(".acting-banner").textContent()).toBe(words[lang].acting);
        await expectAccessible(page, `${lang} acting for a ward`);
        await screenshot(page, `${lang}-13-acting-for-ward`);
        await page.getByRole("link", { name: words[lang].acting }).click();
        await page.locator(`section.acting-for[data-acting-for="${ward}"]`).waitFor();
        await page.getByRole("button", { name: words[lang].back }).click();
        await page.getByRole("heading", { level: 1, name: text.accesses }).waitFor({ timeout: 60_000 });
        expect(await page.locator(".acting-banner").count()).toBe(0);
        expect(browser.problems).toEqual([]);
      } finally {
        await browser.close();
      }
    }
  }, 900_000);

  // Last: it replaces the demo citizen's key (first in Chinese, then that new key again in English).
  it("zh-CN then en: replaces her key in the browser; the old key is refused, the new key signs", async () => {
    let keystore = node.citizen.keystore;
    for (const lang of ["zh-CN", "en"] as const) {
      const text = TEXT[lang];
      const browser = await signedIn(lang, keystore);
      const { page } = browser;
      try {
        await page.getByRole("heading", { level: 1, name: text.accesses }).waitFor({ timeout: 60_000 });
        await page.getByRole("link", { name: text.identity }).click();
        await page.getByRole("heading", { level: 1, name: text.identity }).waitFor();
        await expectAccessible(page, `${lang} my identity`);
        await screenshot(page, `${lang}-10-identity`);
        await page.getByRole("button", { name: text.rotate }).click();
        await page.getByRole("heading", { level: 1, name: text.rotateCheck }).waitFor();
        await expectAccessible(page, `${lang} check key rotation`);
        await page.locator("#rotatepassword").fill(node.citizen.password);
        await page.getByRole("button", { name: text.rotate }).click();
        await page.getByRole("heading", { level: 1, name: text.rotated }).waitFor({ timeout: 180_000 });
        await expectAccessible(page, `${lang} key replaced`);
        await screenshot(page, `${lang}-11-key-replaced`);
        const oldKey = (await page.locator("[data-old-key]").getAttribute("data-old-key"))!.toLowerCase();
        const newKey = (await page.locator("[data-new-key]").getAttribute("data-new-key"))!.toLowerCase();
        expect(newKey).not.toBe(oldKey);

        // The device now keeps the new key, still encrypted.
        const stored = await storedKeystore(page);
        expect(stored).toContain('"ciphertext"');
        expect(`0x${(JSON.parse(stored) as { address: string }).address.replace(/^0x/, "")}`.toLowerCase()).toBe(newKey);
        const next = join(work, `rotated-${lang}.json`);
        await writeFile(next, stored);

        // The old key is refused at the gateway; the new key signs a login there and in the browser.
        expect(await loginWith(keystore)).toBe("NOT_CONTROLLER");
        expect(await loginWith(next)).toBe("ok");
        await page.getByRole("button", { name: text.signOut }).click();
        await signIn(page, lang);
        await page.getByRole("heading", { level: 1, name: text.accesses }).waitFor({ timeout: 60_000 });
        expect(browser.problems).toEqual([]);
        keystore = next;
      } finally {
        await browser.close();
      }
    }
  }, 900_000);
});
