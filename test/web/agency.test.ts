// The agency clerk and the auditor's statutory reviews in real Chromium against a real
// `imi up --demo`. The clerk signs in with the staff key, identifies the demo resident by typing
// her identity number, checks her identity proof, asks "18 or older?" and sees the answer only once
// the browser verified the gateway's signature, reads the data she consented to and lists the
// agency's consents. The auditor sees a statutory grant waiting for review and records the review.
// In Chinese (the default) and in English.
import { readFile } from "node:fs/promises";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { code, purposeCode } from "@imi-ledger/sdk";
import { connect, loadKey } from "../../cli/internal/connect.js";
import { buildWebApp, expectAccessible, imiJson, openBrowser, screenshot, startDemoNode, type DemoNode } from "./harness.js";

let node: DemoNode;
let agency: string;
let work: string;
const DESK = { width: 1280, height: 900 };

beforeAll(async () => {
  await buildWebApp();
  node = await startDemoNode();
  agency = `0x${(JSON.parse(await readFile(join(node.dataDir, "keys", "demo-agency-1.json"), "utf8")) as { address: string }).address.replace(/^0x/, "")}`;
  work = await mkdtemp(join(tmpdir(), "imi-agency-web-"));
  // The demo withdrew its consent at the end: the resident consents again, to her birth date and address.
  const granted = await imiJson(node.dataDir, ["consent", "grant", "--key", node.citizen.key, "--agency", agency, "--scopes", "birth,address", "--purpose", "social-benefits", "--for", "30d", "--yes"]);
  expect(granted, JSON.stringify(granted)).toMatchObject({ ok: true });
}, 900_000);

afterAll(async () => {
  await node?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The resident's phone answers the agency's identity challenge: a proof file, as `imi citizen prove` writes it. */
async function identityProofFile(): Promise<string> {
  const challenge = await imiJson(node.dataDir, ["agency", "challenge", "--key", "demo-agency-1"]);
  expect(challenge, JSON.stringify(challenge)).toMatchObject({ ok: true });
  const proved = await imiJson(node.dataDir, ["citizen", "prove", "--key", node.citizen.key, "--challenge", challenge.challenge as string, "--audience", challenge.audience as string]);
  expect(proved, JSON.stringify(proved)).toMatchObject({ ok: true });
  const file = join(work, `proof-${Date.now()}.json`);
  await writeFile(file, JSON.stringify(proved.proof));
  return file;
}

const TEXT = {
  "zh-CN": {
    signInTitle: "机构登录",
    signIn: "登录",
    identify: "哪位居民？",
    use: "确定",
    resident: "居民",
    checkIdentity: "核验证明",
    verifiedIdentity: "已核验",
    question: "居民是否年满 18 周岁？",
    ask: "提问",
    yes: "是",
    verifiedAnswer: "已在本浏览器中核验",
    read: "读取",
    birth: "出生日期",
    address: "住址",
    consents: "居民给本机构的授权",
    active: "有效",
  },
  en: {
    signInTitle: "Agency sign in",
    signIn: "Sign in",
    identify: "Which resident?",
    use: "Use this",
    resident: "Resident",
    checkIdentity: "Check the proof",
    verifiedIdentity: "Verified",
    question: "Is the resident 18 or older?",
    ask: "Ask",
    yes: "Yes",
    verifiedAnswer: "Verified in this browser",
    read: "Read",
    birth: "Date of birth",
    address: "Address",
    consents: "Consents given to this agency",
    active: "Active",
  },
} as const;

describe("web app: the agency clerk", () => {
  for (const lang of ["zh-CN", "en"] as const) {
    it(`${lang}: identifies the resident, checks her identity, asks "18 or older?" and sees a verified yes, reads consented data, lists the consents`, async () => {
      const text = TEXT[lang];
      const proof = await identityProofFile();
      const browser = await openBrowser(DESK);
      const { page } = browser;
      try {
        await page.goto(new URL("/agency", node.url).href);
        if (lang === "en") {
          await page.getByRole("heading", { level: 1, name: TEXT["zh-CN"].signInTitle, exact: true }).waitFor({ timeout: 60_000 });
          await page.getByRole("button", { name: "Switch to English" }).click();
        }
        await page.getByRole("heading", { level: 1, name: text.signInTitle, exact: true }).waitFor({ timeout: 60_000 });
        await expectAccessible(page, `${lang} agency sign in`);
        await page.locator("#staff-key").setInputFiles(join(node.dataDir, "keys", "demo-agency-1.json"));
        await page.locator("#staff-password").fill(node.citizen.password);
        await page.getByRole("button", { name: text.signIn, exact: true }).click();
        await page.getByRole("heading", { level: 1, name: text.identify, exact: true }).waitFor({ timeout: 90_000 });
        await page.getByTestId("agency-consents").waitFor();
        const consents = await page.getByTestId("agency-consents").textContent();
        expect(consents).toContain(text.active);
        await expectAccessible(page, `${lang} agency identify`);
        await screenshot(page, `${lang}-agency-1-identify`);

        // Typed instead of scanned (the scanner's text fallback).
        await page.locator("#identify-typed").fill(node.citizen.id);
        await page.getByRole("button", { name: text.use, exact: true }).click();
        await page.getByTestId("agency-citizen").waitFor();
        expect((await page.getByTestId("agency-citizen").textContent())!.trim()).toBe(node.citizen.id.toLowerCase());

        await page.locator("#proof-file").setInputFiles(proof);
        await page.getByRole("button", { name: text.checkIdentity }).click();
        await page.locator(".verdict.ok").first().waitFor({ timeout: 90_000 });
        expect(await page.locator(".verdict.ok").first().textContent()).toContain(text.verifiedIdentity);

        await page.locator("#ask-question").selectOption({ label: text.question });
        await page.locator("#ask-purpose").selectOption(purposeCode("social-benefits").toLowerCase());
        await page.getByRole("button", { name: text.ask, exact: true }).click();
        const answer = page.getByTestId("predicate-answer");
        await answer.waitFor({ timeout: 90_000 });
        expect((await answer.locator(".answer").textContent())!.trim()).toBe(text.yes);
        expect(await answer.textContent()).toContain(text.verifiedAnswer);
        await expectAccessible(page, `${lang} agency answer`);
        await screenshot(page, `${lang}-agency-2-verified-answer`);

        await page.locator("#read-birth").check();
        await page.locator("#read-address").check();
        await page.locator("#read-purpose").selectOption(purposeCode("social-benefits").toLowerCase());
        await page.getByRole("button", { name: text.read, exact: true }).click();
        const data = page.getByTestId("read-data");
        await data.waitFor({ timeout: 90_000 });
        const shown = await data.textContent();
        expect(shown).toContain("1950-02-03");
        expect(shown).toContain("Haidian");
        expect(shown).toContain(text.birth);
        await expectAccessible(page, `${lang} agency data`);
        await screenshot(page, `${lang}-agency-3-data`);
        expect(browser.problems).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 600_000);
  }
});

describe("web app: the auditor reviews statutory access", () => {
  it("zh-CN then en: a statutory grant waits for review; the auditor records the review and it moves to reviewed", async () => {
    // The governor grants the agency access by law to the resident's address (the chain flags it for review).
    const chain = await connect({ dataDir: node.dataDir });
    const governor = chain.client(await loadKey({ key: "governor", dataDir: node.dataDir }));
    const now = Math.floor(Date.now() / 1000);
    const { grantId } = await governor.consent.grantStatutory({
      citizen: node.citizen.id,
      agency: agency as `0x${string}`,
      scopes: 4n,
      purpose: purposeCode("social-benefits"),
      legalBasis: code("Social Assistance Regulations art. 12"),
      validFrom: BigInt(now - 60),
      validUntil: BigInt(now + 30 * 86_400),
    });
    const browser = await openBrowser(DESK);
    const { page } = browser;
    try {
      await page.goto(new URL("/auditor/statutory", node.url).href);
      await page.getByRole("heading", { level: 1, name: "审计员登录", exact: true }).waitFor({ timeout: 60_000 });
      await expectAccessible(page, "statutory sign in");
      await page.locator("#staff-key").setInputFiles(join(node.dataDir, "keys", "demo-auditor.json"));
      await page.locator("#staff-password").fill(node.citizen.password);
      await page.getByRole("button", { name: "登录", exact: true }).click();
      await page.getByRole("heading", { level: 1, name: "依法查询：审核", exact: true }).waitFor({ timeout: 90_000 });
      const waiting = page.getByTestId("statutory-waiting");
      await waiting.waitFor();
      const card = waiting.locator("li.card").filter({ hasText: grantId.toLowerCase() });
      expect(await card.count()).toBe(1);
      expect(await card.textContent()).toContain("区民政局");
      await expectAccessible(page, "statutory waiting");
      await screenshot(page, "zh-CN-auditor-statutory-waiting");

      await page.getByRole("button", { name: "Switch to English" }).click();
      await page.getByRole("heading", { level: 1, name: "Access by law: reviews", exact: true }).waitFor();
      expect(await card.textContent()).toContain("District Civil Affairs Bureau");
      await card.getByLabel("Lawful", { exact: true }).check();
      await card.getByRole("button", { name: "Record the review" }).click();
      await page.getByText("Review recorded: Lawful.").waitFor({ timeout: 120_000 });
      const reviewed = page.getByTestId("statutory-reviewed");
      await reviewed.waitFor();
      expect(await reviewed.locator("li.card").filter({ hasText: grantId.toLowerCase() }).count()).toBe(1);
      await expectAccessible(page, "statutory reviewed, en");
      await screenshot(page, "en-auditor-statutory-reviewed");
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 600_000);
});
