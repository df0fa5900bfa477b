// The web app in real Chromium against one real `imi up --demo`. The done-when, on a 360-px phone:
// the demo citizen sets up her device, signs in by proving her key, sees who read her data (names,
// not hex; every proof checked in the browser), withdraws a consent after a "check your answers"
// page, and the agency's next read is refused and appears in her list live; once in Chinese (the
// default), once in English. Then the auditor traces and verifies at a desk-sized window.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebApp, expectAccessible, imiJson, openBrowser, screenshot, startDemoNode, type DemoNode } from "./harness.js";

let node: DemoNode;
let agency: string;

beforeAll(async () => {
  await buildWebApp();
  node = await startDemoNode();
  agency = `0x${(JSON.parse(await readFile(join(node.dataDir, "keys", "demo-agency-1.json"), "utf8")) as { address: string }).address.replace(/^0x/, "")}`;
}, 900_000);

afterAll(async () => {
  await node?.stop();
});

/** A fresh consent for the walk (the demo's own was revoked by the demo), and one allowed read under it. */
async function freshConsent(): Promise<string> {
  const granted = await imiJson(node.dataDir, ["consent", "grant", "--key", node.citizen.key, "--agency", agency, "--scopes", "address", "--purpose", "social-benefits", "--for", "30d", "--yes"]);
  expect(granted, JSON.stringify(granted)).toMatchObject({ ok: true });
  const read = await imiJson(node.dataDir, ["agency", "request", "--key", "demo-agency-1", "--citizen", node.citizen.id, "--scopes", "address", "--purpose", "social-benefits"]);
  expect(read, JSON.stringify(read)).toMatchObject({ ok: true });
  return granted.consentId as string;
}

const TEXT = {
  "zh-CN": {
    setUp: "在本设备上设置",
    keep: "把密钥保存在本设备上",
    signIn: "登录",
    accesses: "谁查看了我的数据",
    consents: "我的授权",
    agency: "区民政局",
    purpose: "社会福利审核",
    category: "住址",
    revokedReason: "您已撤回该授权",
    active: "有效",
    revoke: "撤回",
    checkTitle: "撤回授权前请确认",
    confirm: "确认撤回",
    done: "授权已撤回",
    toAccesses: "查看谁查看了我的数据",
    verified: "已在本设备核验",
    revokedStatus: "已撤回",
    largerText: "大字模式",
    normalText: "标准字号",
  },
  en: {
    setUp: "Set up this device",
    keep: "Keep my key on this device",
    signIn: "Sign in",
    accesses: "Who read my data",
    consents: "My consents",
    agency: "District Civil Affairs Bureau",
    purpose: "Social benefits assessment",
    category: "Address",
    revokedReason: "You withdrew the consent",
    active: "Active",
    revoke: "Withdraw",
    checkTitle: "Check before you withdraw this consent",
    confirm: "Withdraw consent",
    done: "Consent withdrawn",
    toAccesses: "See who read my data",
    verified: "Proof checked on this device",
    revokedStatus: "Revoked",
    largerText: "Larger text",
    normalText: "Normal text",
  },
} as const;

describe("web app: the citizen's main path on a phone", () => {
  it("serves the app at / with a strict CSP, no CORS, an SPA fallback and the API untouched", async () => {
    const root = await fetch(node.url);
    expect(root.status).toBe(200);
    const csp = root.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(root.headers.get("access-control-allow-origin")).toBeNull();
    const html = await root.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js"><\/script>/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    const deep = await fetch(new URL("/me/consents", node.url), { headers: { origin: "https://elsewhere.example" } });
    expect(deep.status).toBe(200);
    expect(deep.headers.get("content-type")).toContain("text/html");
    expect(deep.headers.get("access-control-allow-origin")).toBeNull();
    const api = await fetch(new URL("/v1/no-such-route", node.url));
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: "NOT_FOUND" });
    expect((await fetch(new URL("/assets/missing.js", node.url))).status).toBe(404);
    const directory = (await (await fetch(new URL("/v1/directory", node.url))).json()) as { agencies: Record<string, { "zh-CN": string; en: string }>; categories: unknown[] };
    // Named from the agency's registration on chain, which also gives its legal basis.
    expect(directory.agencies[agency.toLowerCase()]).toMatchObject({ "zh-CN": "区民政局", en: "District Civil Affairs Bureau", legalBasis: { en: "Interim Measures for Social Assistance, arts. 11 and 27" } });
    // Every default category, the enterprise's three (licence, tax, inspection) included.
    expect(directory.categories).toHaveLength(11);
  });

  for (const lang of ["zh-CN", "en"] as const) {
    it(`${lang}: sets up the device, signs in, sees who read her data, withdraws a consent; the next read is refused and appears live`, async () => {
      const text = TEXT[lang];
      const consentId = await freshConsent();
      const browser = await openBrowser();
      const { page } = browser;
      let checked = 0;
      try {
        await page.goto(node.url);
        if (lang === "en") {
          // Chinese first; English is one tap away and remembered.
          await page.getByRole("heading", { level: 1, name: TEXT["zh-CN"].setUp }).waitFor({ timeout: 60_000 });
          await page.getByRole("button", { name: "Switch to English" }).click();
          await page.reload();
        }
        await page.getByRole("heading", { level: 1, name: text.setUp }).waitFor({ timeout: 60_000 });
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
        checked += await expectAccessible(page, `${lang} set up`);
        await screenshot(page, `${lang}-1-set-up`);

        // Import once: the keystore stays encrypted in IndexedDB.
        await page.locator("#keyfile").setInputFiles(node.citizen.keystore);
        await page.locator("#citizen").fill(node.citizen.id);
        await page.locator("#password").fill(node.citizen.password);
        await page.getByRole("button", { name: text.keep }).click();
        await page.getByRole("heading", { level: 1, name: text.signIn }).waitFor({ timeout: 60_000 });
        const stored = await page.evaluate(
          () =>
            new Promise<string>((resolve, reject) => {
              const open = indexedDB.open("imi");
              open.onsuccess = () => {
                const get = open.result.transaction("keys").objectStore("keys").get("citizen");
                get.onsuccess = () => resolve(JSON.stringify(get.result));
                get.onerror = () => reject(get.error);
              };
            }),
        );
        expect(stored).toContain('\\"ciphertext\\"'); // kept as the encrypted keystore
        expect(stored).not.toContain(node.citizen.password);
        checked += await expectAccessible(page, `${lang} sign in`);

        // Sign in by proving the key (citizen login).
        await page.locator("#password").fill(node.citizen.password);
        await page.getByRole("button", { name: text.signIn, exact: true }).click();
        await page.getByRole("heading", { level: 1, name: text.accesses }).waitFor({ timeout: 60_000 });
        await page.locator("[data-live=on]").waitFor();
        const cards = page.locator("li.card[data-seq]");
        await cards.first().waitFor();
        const first = cards.filter({ hasText: text.agency }).filter({ hasText: text.purpose }).filter({ hasText: text.category }).first();
        await first.waitFor();
        await page.locator("[data-proof=verified]").first().waitFor({ timeout: 90_000 });
        expect(await page.locator("[data-proof=failed]").count()).toBe(0);
        expect(await first.locator("h2").textContent()).not.toMatch(/0x[0-9a-f]{8}/i); // names, not hex
        checked += await expectAccessible(page, `${lang} accesses`);
        await screenshot(page, `${lang}-2-accesses`);
        // Larger text: one tap, everything scales, and it is still accessible.
        const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
        const normal = await size();
        await page.getByRole("button", { name: text.largerText }).click();
        expect(await size()).toBeGreaterThan(normal * 1.15);
        checked += await expectAccessible(page, `${lang} accesses, larger text`);
        await screenshot(page, `${lang}-2b-accesses-larger-text`);
        await page.getByRole("button", { name: text.normalText }).click();
        expect(await size()).toBe(normal);

        // My consents → withdraw → check your answers → signed in the browser, relayed.
        await page.getByRole("link", { name: text.consents }).click();
        const consent = page.locator(`li[data-consent="${consentId}"]`);
        await consent.waitFor();
        expect(await consent.locator(".status").textContent()).toBe(text.active);
        checked += await expectAccessible(page, `${lang} consents`);
        await screenshot(page, `${lang}-3-consents`);
        await consent.getByRole("link", { name: text.revoke }).click();
        await page.getByRole("heading", { level: 1, name: text.checkTitle }).waitFor();
        const words = (await page.getByTestId("plain-words").textContent()) ?? "";
        for (const part of [text.agency, text.purpose, text.category]) expect(words).toContain(part);
        checked += await expectAccessible(page, `${lang} check your answers`);
        await screenshot(page, `${lang}-4-check`);
        await page.getByRole("button", { name: text.confirm }).click();
        await page.getByRole("heading", { level: 1, name: text.done }).waitFor({ timeout: 60_000 });
        checked += await expectAccessible(page, `${lang} done`);

        // Back to her list; the agency reads again and is refused; the refusal appears live.
        await page.getByRole("link", { name: text.toAccesses }).click();
        await page.locator("[data-live=on]").waitFor();
        await page.locator("li.card[data-seq]").first().waitFor();
        const refused = await imiJson(node.dataDir, ["agency", "request", "--key", "demo-agency-1", "--citizen", node.citizen.id, "--scopes", "address", "--purpose", "social-benefits"]);
        expect(refused).toMatchObject({ ok: false, error: { code: "CONSENT_REVOKED" } });
        await page.getByTestId("new-access-notice").waitFor({ timeout: 90_000 });
        const live = page.locator("li.card[data-decision=denied]").first();
        expect(await live.locator("[data-reason]").getAttribute("data-reason")).toBe("CONSENT_REVOKED");
        expect(await live.textContent()).toContain(text.revokedReason);
        expect(await live.textContent()).toContain(text.agency);
        checked += await expectAccessible(page, `${lang} live refusal`);
        await screenshot(page, `${lang}-5-live-refusal`);

        // The consent now reads "revoked".
        await page.getByRole("link", { name: text.consents }).click();
        await page.locator(`li[data-consent="${consentId}"][data-status=revoked]`).waitFor();
        expect(await page.locator(`li[data-consent="${consentId}"] .status`).textContent()).toBe(text.revokedStatus);
        expect(browser.problems).toEqual([]);
        expect(checked).toBeGreaterThan(0);
      } finally {
        await browser.close();
      }
    }, 600_000);
  }
});

describe("web app: the auditor traces and verifies", () => {
  it("zh-CN then en: signs in with the staff key, traces the demo citizen's accesses by agency, verifies them with a progress bar", async () => {
    const browser = await openBrowser({ width: 1280, height: 900 }); // the auditor's desk
    const { page } = browser;
    try {
      await page.goto(new URL("/auditor", node.url).href);
      await page.getByRole("heading", { level: 1, name: "审计人员登录" }).waitFor({ timeout: 60_000 });
      await expectAccessible(page, "auditor sign in");
      await page.locator("#staffkey").setInputFiles(join(node.dataDir, "keys", "demo-auditor.json"));
      await page.locator("#staffpassword").fill(node.citizen.password);
      await page.getByRole("button", { name: "登录", exact: true }).click();
      await page.getByRole("heading", { level: 1, name: "追溯访问记录" }).waitFor({ timeout: 60_000 });
      await page.locator("#trace-citizen").fill(node.citizen.id);
      await page.locator("#trace-agency").selectOption(agency.toLowerCase());
      await page.getByRole("button", { name: "查找" }).click();
      const heading = page.locator("#results-title");
      await heading.waitFor();
      expect(Number(await heading.getAttribute("data-count"))).toBeGreaterThan(0);
      const cards = page.locator("li.card[data-seq]");
      for (const text of await cards.allTextContents()) expect(text).toContain("区民政局");
      await expectAccessible(page, "auditor trace");
      await page.getByRole("button", { name: "对照日志核验这些记录" }).click();
      await page.locator("[data-finished=yes]").waitFor({ timeout: 120_000 });
      expect(await page.locator(".verification").getAttribute("data-failed")).toBe("0");
      expect(await page.getByRole("status").last().textContent()).toContain("已核验");
      await expectAccessible(page, "auditor verified");
      await screenshot(page, "zh-CN-6-auditor-verified");

      await page.getByRole("button", { name: "Switch to English" }).click();
      await page.getByRole("heading", { level: 1, name: "Trace accesses" }).waitFor();
      for (const text of await cards.allTextContents()) expect(text).toContain("District Civil Affairs Bureau");
      expect(await page.locator(".verification [role=status]").textContent()).toMatch(/^Checked \d+ records/);
      await expectAccessible(page, "auditor verified, en");
      await screenshot(page, "en-6-auditor-verified");
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 600_000);
});

describe("web app: a pending key recovery", () => {
  it("zh-CN: the citizen sees the alert first, cancels the recovery by signing in the browser, and the alert is gone", async () => {
    const started = await imiJson(node.dataDir, ["registrar", "recover", node.citizen.id, "--key", "demo-registrar", "--new-controller", "0x1111111111111111111111111111111111111111"]);
    expect(started, JSON.stringify(started)).toMatchObject({ ok: true });
    const browser = await openBrowser();
    const { page } = browser;
    try {
      await page.goto(node.url);
      await page.getByRole("heading", { level: 1, name: "在本设备上设置" }).waitFor({ timeout: 60_000 });
      await page.locator("#keyfile").setInputFiles(node.citizen.keystore);
      await page.locator("#citizen").fill(node.citizen.id);
      await page.locator("#password").fill(node.citizen.password);
      await page.getByRole("button", { name: "把密钥保存在本设备上" }).click();
      await page.getByRole("heading", { level: 1, name: "登录" }).waitFor({ timeout: 60_000 });
      await page.locator("#password").fill(node.citizen.password);
      await page.getByRole("button", { name: "登录", exact: true }).click();
      const alert = page.getByTestId("recovery-alert");
      await alert.waitFor({ timeout: 60_000 });
      expect(await alert.getAttribute("role")).toBe("alert");
      expect(await alert.textContent()).toContain("有人申请更换您的密钥");
      await expectAccessible(page, "recovery alert");
      await screenshot(page, "zh-CN-7-recovery-alert");
      await alert.getByRole("link", { name: "取消密钥找回" }).click();
      await page.getByRole("heading", { level: 1, name: "取消密钥找回前请确认" }).waitFor();
      await expectAccessible(page, "recovery check");
      await page.getByRole("button", { name: "确认取消密钥找回" }).click();
      await page.getByRole("heading", { level: 1, name: "密钥找回已取消。" }).waitFor({ timeout: 60_000 });
      await expectAccessible(page, "recovery cancelled");
      await page.getByRole("link", { name: "返回谁查看了我的数据" }).click();
      await page.getByRole("heading", { level: 1, name: "谁查看了我的数据" }).waitFor();
      await page.locator("li.card[data-seq]").first().waitFor();
      expect(await page.getByTestId("recovery-alert").count()).toBe(0);
      // The chain agrees: the registrar cannot complete what was cancelled.
      const complete = await imiJson(node.dataDir, ["registrar", "recover", node.citizen.id, "--key", "demo-registrar", "--complete"]);
      expect(complete.ok).toBe(false);
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 600_000);
});
