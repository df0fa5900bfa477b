// Joint reward and punishment through the gateway, end to end on a real chain: an enterprise is
// registered at the counter, black-listed for unpaid tax, an agency's predicate says "listed" (logged),
// the enterprise applies for repair through its staff member, the authority approves, and the next
// predicate says "not listed". The public lookup serves only lists whose schema is public.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { ENTERPRISE_SCOPES, enterpriseIdOf, type Hex } from "@imi-ledger/sdk";
import { recoverPredicateAnswerSigner } from "../../../node/gateway/index.js";
import { code, grantConsent, randomId, registerCitizen } from "../indexer/helpers.js";
import { createHarness, type Harness } from "./harness.js";
import { ROLE } from "../../helpers/deployImi.js";

const CREDENTIALS = 1n << 7n;
const JOINT_PUNISHMENT = code("joint-punishment");
const TAX_BLACKLIST = code('{"name":"tax-arrears-blacklist","version":"1"}');
const A_GRADE_TAXPAYER = code('{"name":"a-grade-taxpayer","version":"1"}');
const SEALED_BLACKLIST = code('{"name":"court-enforcement-internal","version":"1"}');
const CODE = "91350100M000100Y43";
const REASON_UNPAID_TAX = 101;
const REASON_TAX_SETTLED = 201;

describe("gateway: credit lists", () => {
  let h: Harness;
  let app: FastifyInstance;
  let token: string;
  let statutoryId: string;
  const enterprise = enterpriseIdOf(CODE);
  let citizen: string;
  let staff: string;
  let blackEntry: string;

  beforeAll(async () => {
    h = await createHarness();
    const { f } = h;
    Object.assign(h.deployment.contracts, {
      enterpriseRegistry: (await f.contracts.enterpriseRegistry.getAddress()) as Hex,
      creditRegistry: (await f.contracts.creditRegistry.getAddress()) as Hex,
    });
    const gov = f.accounts.governor;
    const [rep, staffKey, counter, authority] = [f.accounts.others[0], f.accounts.others[1], f.accounts.others[7], f.accounts.others[8]];
    await (await f.contracts.accessManager.connect(gov).grantRole(ROLE.COUNTER, counter.address, 0)).wait();
    await (await f.contracts.accessManager.connect(gov).grantRole(ROLE.CREDIT_AUTHORITY, authority.address, 0)).wait();
    citizen = await registerCitizen(f, rep);
    staff = await registerCitizen(f, staffKey);
    await (await f.contracts.enterpriseRegistry.connect(counter).register(enterprise, randomId(), citizen)).wait();
    await (await f.contracts.enterpriseRegistry.connect(rep).appointStaff(enterprise, staff, ENTERPRISE_SCOPES.credit, (await f.now()) + 86400)).wait();
    for (const [schema, name, kind, published] of [
      [TAX_BLACKLIST, "tax-arrears-blacklist", 2, true],
      [A_GRADE_TAXPAYER, "a-grade-taxpayer", 1, true],
      [SEALED_BLACKLIST, "court-enforcement-internal", 2, false],
    ] as const) {
      await (await f.contracts.credentialRegistry.connect(gov).registerSchema(schema, name, "1")).wait();
      await (await f.contracts.credentialRegistry.connect(gov).setIssuerTrust(schema, authority.address, true)).wait();
      await (await f.contracts.creditRegistry.connect(gov).defineList(schema, kind, published)).wait();
    }
    const now = await f.now();
    blackEntry = randomId();
    await (await f.contracts.creditRegistry.connect(authority).recordEntry(blackEntry, enterprise, TAX_BLACKLIST, code("tax-law-art-6"), REASON_UNPAID_TAX, now, now + 365 * 86400)).wait();
    await (await f.contracts.creditRegistry.connect(authority).recordEntry(randomId(), enterprise, SEALED_BLACKLIST, code("civil-procedure"), 7, now, 0)).wait();
    await (await f.contracts.creditRegistry.connect(authority).recordEntry(randomId(), citizen, A_GRADE_TAXPAYER, code("tax-credit-rules"), 1, now, 0)).wait();
    // Joint punishment rests on law: a standing statutory grant (any subject) for the credentials category.
    const grant = await f.contracts.consentRegistry.connect(gov).grantStatutory("0x" + "00".repeat(32), f.accounts.agency.address, CREDENTIALS, JOINT_PUNISHMENT, code("memorandum-2016-33"), now, now + 365 * 86400);
    const receipt = await grant.wait();
    statutoryId = receipt.logs.map((l: { topics: string[]; data: string }) => f.contracts.consentRegistry.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "StatutoryAccessGranted").args.grantId;
    await h.indexer.sync();
    app = await h.app();
    token = await h.login(app, h.keys.agency);
    // Keep the authority and the staff key at hand for the repair below.
    Object.assign(h, { authority, staffKey });
  });
  afterAll(async () => h?.close());

  const ask = (schemaId: string, over: Record<string, unknown> = {}) =>
    h.withSession(app, token, "/v1/credit/predicate", { citizen: enterprise, scopes: String(CREDENTIALS), purpose: JOINT_PUNISHMENT, grantId: statutoryId, predicate: { type: "creditListed", schemaId }, ...over });

  it("an agency asks whether an enterprise is black-listed: a signed yes, logged under the statutory grant, with nothing of the entry", async () => {
    const res = await ask(TAX_BLACKLIST);
    expect(res.statusCode).toBe(200);
    const out = res.json();
    expect(out.result).toBe(true);
    expect(out.grantId).toBe(statutoryId.toLowerCase());
    expect(JSON.stringify(out)).not.toContain(blackEntry.slice(2));
    expect(recoverPredicateAnswerSigner(h.f.chainId, out.answer, out.signature)).toBe(h.gatewayAccount.address);
    const logged = await h.accessLog.get(out.receipt.seq);
    expect(logged).toMatchObject({ kind: "predicate", decision: "allowed", basis: "statutory", citizen: enterprise.toLowerCase(), agency: h.f.accounts.agency.address });
    // Signed per request, the same answer.
    const signed = await h.signed(app, h.keys.agency, "/v1/credit/predicate", { citizen: enterprise, scopes: String(CREDENTIALS), purpose: JOINT_PUNISHMENT, grantId: statutoryId, predicate: { type: "creditListed", schemaId: TAX_BLACKLIST } });
    expect(signed.statusCode).toBe(200);
    expect(signed.json().result).toBe(true);
    // Not on the red list.
    expect((await ask(A_GRADE_TAXPAYER)).json().result).toBe(false);
  });

  it("refuses, and logs, an agency without a grant, an unknown list; refuses a wrong scope before anything is read", async () => {
    const token2 = await h.login(app, h.keys.agency2);
    const other = await h.withSession(app, token2, "/v1/credit/predicate", { citizen: enterprise, scopes: String(CREDENTIALS), purpose: JOINT_PUNISHMENT, grantId: statutoryId, predicate: { type: "creditListed", schemaId: TAX_BLACKLIST } });
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe("WRONG_AGENCY");
    expect((await h.accessLog.get(other.json().receipt.seq))).toMatchObject({ decision: "denied", reason: "WRONG_AGENCY" });
    const noGrant = await ask(TAX_BLACKLIST, { grantId: undefined });
    expect(noGrant.statusCode).toBe(403);
    expect(noGrant.json().code).toBe("UNKNOWN_GRANT");
    const unknown = await ask(code("no-such-list"));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("UNKNOWN_LIST");
    expect((await h.accessLog.get(unknown.json().receipt.seq))).toMatchObject({ decision: "denied", reason: "UNKNOWN_LIST" });
    const before = h.accessLog.lastSeq();
    const wrongScope = await ask(TAX_BLACKLIST, { scopes: String(1n << 2n) });
    expect(wrongScope.statusCode).toBe(400);
    expect(wrongScope.json().code).toBe("SCOPE_MISMATCH");
    expect(h.accessLog.lastSeq()).toBe(before);
  });

  it("answers about a citizen under the citizen's consent, as every access", async () => {
    const consentId = await grantConsent(h.f, h.f.accounts.others[0], { citizen, agency: h.f.accounts.agency.address, scopes: CREDENTIALS, purpose: code("green-channel") });
    await h.indexer.sync();
    const res = await ask(A_GRADE_TAXPAYER, { citizen, purpose: code("green-channel"), grantId: consentId });
    expect(res.statusCode).toBe(200);
    expect(res.json().result).toBe(true);
    expect((await h.accessLog.get(res.json().receipt.seq))).toMatchObject({ basis: "consent", citizen: citizen.toLowerCase() });
  });

  it("the public lookup serves public lists only, with their published fields", async () => {
    const res = await app.inject({ method: "GET", url: `/v1/credit/public?code=${CODE}` });
    expect(res.statusCode).toBe(200);
    const out = res.json();
    expect(out.subject).toBe(enterprise.toLowerCase());
    expect(out.entries).toHaveLength(1);
    expect(out.entries[0]).toMatchObject({ entryId: blackEntry.toLowerCase(), list: "tax-arrears-blacklist", kind: "black", reason: REASON_UNPAID_TAX, status: "listed", legalBasis: code("tax-law-art-6") });
    const bad = await app.inject({ method: "GET", url: "/v1/credit/public?code=91350100M000100Y44" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("INVALID_CREDIT_CODE");
    const neither = await app.inject({ method: "GET", url: "/v1/credit/public" });
    expect(neither.json().code).toBe("SUBJECT_REQUIRED");
  });

  it("after repair filed by the staff member and approved by the authority, the next answer is no, and the public entry shows it ended", async () => {
    const { authority, staffKey } = h as unknown as { authority: { address: string }; staffKey: { address: string } };
    const credit = h.f.contracts.creditRegistry;
    await (await credit.connect(staffKey as never).applyForRepair(blackEntry, code("tax paid, receipt 2026-0042"))).wait();
    const repairId = await credit.pendingRepairOf(blackEntry);
    await (await credit.connect(authority as never).decideRepair(repairId, true, REASON_TAX_SETTLED)).wait();
    const res = await ask(TAX_BLACKLIST);
    expect(res.statusCode).toBe(200);
    expect(res.json().result).toBe(false);
    const pub = (await app.inject({ method: "GET", url: `/v1/credit/public?code=${CODE}` })).json();
    expect(pub.entries[0].status).toBe("ended");
  });

  it("fails closed: a registry that cannot be read answers 503 and logs the refusal", async () => {
    // The enterprise's standing is read from the chain for every answer; an address with no contract answers nothing decodable.
    const real = (h.deployment.contracts as { enterpriseRegistry?: Hex }).enterpriseRegistry;
    Object.assign(h.deployment.contracts, { enterpriseRegistry: "0x" + "ab".repeat(20) });
    try {
      const broken = await h.app();
      const t = await h.login(broken, h.keys.agency);
      const res = await h.withSession(broken, t, "/v1/credit/predicate", { citizen: enterprise, scopes: String(CREDENTIALS), purpose: JOINT_PUNISHMENT, grantId: statutoryId, predicate: { type: "creditListed", schemaId: TAX_BLACKLIST } });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe("CHAIN_UNAVAILABLE");
      expect(JSON.stringify(res.json())).not.toContain("result");
      expect((await h.accessLog.get(h.accessLog.lastSeq()))).toMatchObject({ decision: "denied", reason: "CHAIN_UNAVAILABLE" });
    } finally {
      Object.assign(h.deployment.contracts, { enterpriseRegistry: real });
    }
  });
});
