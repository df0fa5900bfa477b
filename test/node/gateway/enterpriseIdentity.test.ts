// An enterprise proves who it is through a representative, over a real chain, index, access log and
// nonce store: the representative's EnterpriseIdentityProof to an agency and the enterprise's one code
// (一企一码) at a verifier device, both checked against the EnterpriseRegistry now and logged under the
// enterprise, where its representatives see them; and a statutory grant that names the enterprise.
// Every refusal the issue names has its test: replay, wrong verifier, expired staple, out-of-scope,
// removed and expired representative, deregistered enterprise.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import {
  ENTERPRISE_SCOPES,
  createOneCode,
  enterpriseIdOf,
  identityProofTypedData,
  signEnterpriseIdentityProof,
  signIdentityProof,
  verifyOneCode,
  type Address,
  type Hex,
  type LocalAccount,
  type OneCodeStaple,
} from "@imi-ledger/sdk";
import { code, registerCitizen } from "../indexer/helpers.js";
import { createHarness, localKeyOf, type Harness } from "./harness.js";
import { ROLE } from "../../helpers/deployImi.js";

const VERIFIER_ROLE = 9n;
const CODE = "91350100M000100Y43";
const CREDENTIALS = 1n << 7n;

describe("gateway: an enterprise's identity proof and one code through its representatives", () => {
  let h: Harness;
  let app: FastifyInstance;
  const enterprise = enterpriseIdOf(CODE).toLowerCase() as Hex;
  let rep: LocalAccount, clerk: LocalAccount, consentClerk: LocalAccount, temp: LocalAccount;
  let repId: Hex, clerkId: Hex, consentClerkId: Hex, tempId: Hex;
  let agencyToken: string, doorToken: string, counterDeskToken: string;
  const tokens: Record<string, string> = {};
  const seconds = () => Math.floor(h.now() / 1000);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function citizenLogin(k: LocalAccount, id: Hex): Promise<string> {
    const c = (await app.inject({ method: "POST", url: "/v1/auth/challenge" })).json();
    const res = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: signIdentityProof(k, { chainId: h.f.chainId, citizen: id, audience: c.audience, challenge: c.challenge, issuedAt: seconds() }) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().token;
  }

  const challenge = async () => (await app.inject({ method: "POST", url: "/v1/identity/challenge", headers: bearer(agencyToken) })).json() as { challenge: Hex; audience: string };
  const proofOf = async (k: LocalAccount, id: Hex, scopes = 0n, c?: { challenge: Hex; audience: string }) => {
    const ch = c ?? (await challenge());
    return signEnterpriseIdentityProof(k, { chainId: h.f.chainId, citizen: id, enterprise, scopes, audience: ch.audience, challenge: ch.challenge, issuedAt: seconds() });
  };
  const verify = (payload: unknown) => app.inject({ method: "POST", url: "/v1/identity/verify", headers: bearer(agencyToken), payload: payload as Record<string, unknown> });

  async function staple(token: string, body: Record<string, unknown> = { enterprise }): Promise<OneCodeStaple> {
    const res = await app.inject({ method: "POST", url: "/v1/one-code/staple", headers: bearer(token), payload: body });
    expect(res.statusCode, res.body).toBe(200);
    const json = res.json();
    return { status: { ...json.status, blockNumber: BigInt(json.status.blockNumber) }, signature: json.signature };
  }
  const oneCode = async (k: LocalAccount, s: OneCodeStaple, verifier?: Hex) => createOneCode(k, { chainId: h.f.chainId, staple: s, verifier: verifier as Address | undefined, issuedAt: seconds() });
  const check = (text: string, token = doorToken) => app.inject({ method: "POST", url: "/v1/one-code/verify", headers: bearer(token), payload: { code: text } });

  async function tracker(token = tokens.rep) {
    const res = await app.inject({ method: "GET", url: `/v1/enterprises/${enterprise}/tracker`, headers: bearer(token) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { accesses: Array<{ seq: number; agency: string; kind: string; decision: string; reason: string; basis: string }> };
  }

  beforeAll(async () => {
    h = await createHarness();
    const { f } = h;
    Object.assign(h.deployment.contracts, { enterpriseRegistry: (await f.contracts.enterpriseRegistry.getAddress()) as Hex });
    const counter = f.accounts.others[6];
    const gov = f.accounts.governor;
    await (await f.contracts.accessManager.connect(gov).grantRole(ROLE.COUNTER, counter.address, 0)).wait();
    for (const v of [f.accounts.others[7], f.accounts.others[8]]) await (await f.contracts.accessManager.connect(gov).grantRole(VERIFIER_ROLE, v.address, 0)).wait();
    [rep, clerk, consentClerk, temp] = [0, 1, 2, 3].map((i) => localKeyOf(f.accounts.others[i].address));
    repId = (await registerCitizen(f, f.accounts.others[0], 3)) as Hex;
    clerkId = (await registerCitizen(f, f.accounts.others[1])) as Hex;
    consentClerkId = (await registerCitizen(f, f.accounts.others[2])) as Hex;
    tempId = (await registerCitizen(f, f.accounts.others[3])) as Hex;
    await (await f.contracts.enterpriseRegistry.connect(counter).register(enterprise, code("record"), repId)).wait();
    const until = (await f.now()) + 90 * 86400;
    const enterprises = f.contracts.enterpriseRegistry.connect(f.accounts.others[0]);
    await (await enterprises.appointStaff(enterprise, clerkId, ENTERPRISE_SCOPES.identity | ENTERPRISE_SCOPES.tracker, until)).wait();
    await (await enterprises.appointStaff(enterprise, consentClerkId, ENTERPRISE_SCOPES.consent, until)).wait();
    // An appointment that ends in ten minutes: long enough for a staple, short enough to outlive.
    await (await enterprises.appointStaff(enterprise, tempId, ENTERPRISE_SCOPES.identity, (await f.now()) + 600)).wait();
    await h.indexer.sync();
    app = await h.app();
    agencyToken = await h.login(app, h.keys.agency);
    doorToken = await h.login(app, localKeyOf(f.accounts.others[7].address));
    counterDeskToken = await h.login(app, localKeyOf(f.accounts.others[8].address));
    for (const [name, k, id] of [["rep", rep, repId], ["clerk", clerk, clerkId], ["consentClerk", consentClerk, consentClerkId], ["temp", temp, tempId]] as const) tokens[name] = await citizenLogin(k, id);
  }, 120_000);
  afterAll(async () => h?.close());

  describe("identity proof", () => {
    it("the legal representative and staff holding the identity scope prove they act for the enterprise; each proof is logged under it and seen in its tracker", async () => {
      const before = h.accessLog.lastSeq();
      const byRep = await verify(await proofOf(rep, repId, ENTERPRISE_SCOPES.consent | ENTERPRISE_SCOPES.credit));
      expect(byRep.statusCode, byRep.body).toBe(200);
      expect(byRep.json()).toMatchObject({ verified: true, reason: "ENTERPRISE_IDENTITY_VERIFIED", citizen: repId.toLowerCase(), enterprise, asLegalRepresentative: true, level: 3 });
      expect(BigInt(byRep.json().scopes)).toBe(ENTERPRISE_SCOPES.identity | ENTERPRISE_SCOPES.consent | ENTERPRISE_SCOPES.credit);
      const byClerk = await verify(await proofOf(clerk, clerkId, ENTERPRISE_SCOPES.tracker));
      expect(byClerk.json()).toMatchObject({ verified: true, reason: "ENTERPRISE_IDENTITY_VERIFIED", citizen: clerkId.toLowerCase(), asLegalRepresentative: false });
      expect(await h.accessLog.get(before + 1)).toMatchObject({ citizen: enterprise, kind: "identity", decision: "allowed", reason: "ENTERPRISE_IDENTITY_VERIFIED" });
      // The representatives see it under the enterprise (staff through the tracker scope).
      const seen = (await tracker(tokens.clerk)).accesses.filter((r) => r.seq > before);
      expect(seen.map((r) => [r.kind, r.decision, r.reason])).toEqual([
        ["identity", "allowed", "ENTERPRISE_IDENTITY_VERIFIED"],
        ["identity", "allowed", "ENTERPRISE_IDENTITY_VERIFIED"],
      ]);
      expect(seen[0].agency.toLowerCase()).toBe(h.keys.agency.address.toLowerCase());
    });

    it("refused and logged: staff without the identity scope, staff claiming a scope it lacks, a replayed proof, another audience, a citizen's signature passed off as the enterprise's", async () => {
      const refusals: Array<[unknown, string]> = [
        [await proofOf(consentClerk, consentClerkId), "NOT_REPRESENTATIVE"],
        [await proofOf(clerk, clerkId, ENTERPRISE_SCOPES.credit), "NOT_REPRESENTATIVE"],
        // The key is someone else's identity: the representative's own check fails first.
        [await proofOf(clerk, repId), "NOT_CONTROLLER"],
      ];
      const used = await proofOf(rep, repId);
      expect((await verify(used)).json().verified).toBe(true);
      refusals.push([used, "UNKNOWN_CHALLENGE"]);
      const c = await challenge();
      refusals.push([await proofOf(rep, repId, 0n, { ...c, audience: "https://elsewhere.example" }), "WRONG_AUDIENCE"]);
      // A citizen's IdentityProof signature with the enterprise fields added: the typed data differ.
      const c2 = await challenge();
      const citizenProof = signIdentityProof(rep, { chainId: h.f.chainId, citizen: repId, audience: c2.audience, challenge: c2.challenge, issuedAt: seconds() });
      refusals.push([{ message: { ...citizenProof.message, enterprise, scopes: String(ENTERPRISE_SCOPES.identity) }, signature: citizenProof.signature }, "BAD_SIGNATURE"]);
      for (const [payload, reason] of refusals) {
        const res = await verify(payload);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json(), reason).toMatchObject({ verified: false, reason, enterprise });
        expect(await h.accessLog.get(res.json().receipt.seq)).toMatchObject({ citizen: enterprise, kind: "identity", decision: "denied", reason });
      }
    });

    it("bad input changes nothing: a proof without the identity scope is a 400 and its challenge stays usable; an enterprise's proof is no citizen login", async () => {
      const c = await challenge();
      const p = await proofOf(rep, repId, 0n, c);
      const noIdentity = { ...p.message, scopes: String(ENTERPRISE_SCOPES.consent) };
      const message = { ...noIdentity };
      const bad = await verify({ message, signature: rep.signTypedData(identityProofTypedData(h.f.chainId, message)) });
      expect([bad.statusCode, bad.json().code]).toEqual([400, "INVALID_SCOPES"]);
      expect((await verify(p)).json()).toMatchObject({ verified: true });
      const lc = (await app.inject({ method: "POST", url: "/v1/auth/challenge" })).json();
      const login = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: await proofOf(rep, repId, 0n, lc) });
      expect(login.statusCode).toBe(400);
    });
  });

  describe("one code", () => {
    it("a representative's staple names the enterprise and scopes; a code for this door is verified, logged under the enterprise and seen in its tracker", async () => {
      const s = await staple(tokens.clerk, { enterprise, scopes: Number(ENTERPRISE_SCOPES.tracker) });
      expect(s.status).toMatchObject({ citizen: clerkId.toLowerCase(), controller: clerk.address, enterprise, scopes: Number(ENTERPRISE_SCOPES.identity | ENTERPRISE_SCOPES.tracker) });
      const before = h.accessLog.lastSeq();
      const res = await check(await oneCode(clerk, s, localKeyOf(h.f.accounts.others[7].address).address as Hex));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ verified: true, reason: "ONE_CODE_VERIFIED", citizen: clerkId.toLowerCase(), enterprise, scopes: 10 });
      expect(await h.accessLog.get(before + 1)).toMatchObject({ citizen: enterprise, kind: "identity", decision: "allowed", reason: "ONE_CODE_VERIFIED" });
      expect((await tracker()).accesses.some((r) => r.seq === before + 1 && r.reason === "ONE_CODE_VERIFIED")).toBe(true);
    });

    it("offline: a door checks an enterprise's code itself and uploads it later; it is logged under the enterprise at the time it happened", async () => {
      const s = await staple(tokens.rep);
      const text = await oneCode(rep, s);
      const at = seconds();
      const offline = await verifyOneCode({ code: text, chainId: h.f.chainId, gateways: [h.gatewayAccount.address], verifier: localKeyOf(h.f.accounts.others[7].address).address, now: at });
      expect(offline).toMatchObject({ valid: true, enterprise, scopes: 8 });
      const res = await app.inject({ method: "POST", url: "/v1/one-code/offline", headers: bearer(doorToken), payload: { verifications: [{ code: text, verifiedAt: String(at) }] } });
      expect(res.statusCode, res.body).toBe(200);
      const [result] = res.json().results;
      expect(result).toMatchObject({ verified: true, reason: "ONE_CODE_OFFLINE_VERIFIED", enterprise, time: at * 1000 });
      expect(await h.accessLog.get(result.receipt.seq)).toMatchObject({ citizen: enterprise, kind: "identity", time: at * 1000 });
    });

    it("no staple for staff without the identity scope or beyond its scopes, for an unknown enterprise, or scopes without an enterprise", async () => {
      for (const [token, body, status, errorCode] of [
        [tokens.consentClerk, { enterprise }, 403, "NOT_REPRESENTATIVE"],
        [tokens.clerk, { enterprise, scopes: Number(ENTERPRISE_SCOPES.credit) }, 403, "NOT_REPRESENTATIVE"],
        [tokens.rep, { enterprise: enterpriseIdOf("91440300708461136T") }, 403, "ENTERPRISE_INACTIVE"],
        [tokens.rep, { scopes: 8 }, 400, "INVALID_SCOPES"],
      ] as const) {
        const res = await app.inject({ method: "POST", url: "/v1/one-code/staple", headers: bearer(token), payload: body });
        expect([res.statusCode, res.json().code]).toEqual([status, errorCode]);
      }
    });

    it("refused with a code: a replayed code, a code for another verifier, an expired staple", async () => {
      const s = await staple(tokens.rep);
      const text = await oneCode(rep, s);
      expect((await check(text)).json()).toMatchObject({ verified: true, enterprise });
      expect((await check(text)).json()).toMatchObject({ verified: false, reason: "ONE_CODE_REPLAYED" });
      const forCounter = await oneCode(rep, s, localKeyOf(h.f.accounts.others[8].address).address as Hex);
      expect((await check(forCounter)).json()).toMatchObject({ verified: false, reason: "ONE_CODE_WRONG_VERIFIER" });
      expect((await check(forCounter, counterDeskToken)).json()).toMatchObject({ verified: true });
      const short = await staple(tokens.rep, { enterprise, ttlSeconds: 30 });
      const late = await oneCode(rep, short);
      h.shiftClock(31_000);
      try {
        expect((await check(late)).json()).toMatchObject({ verified: false, reason: "ONE_CODE_STAPLE_EXPIRED" });
      } finally {
        h.shiftClock(-31_000);
      }
    });

    it("while the staple lasts, the chain decides: a removed representative is refused, and so is one whose appointment expired", async () => {
      const s = await staple(tokens.clerk);
      await (await h.f.contracts.enterpriseRegistry.connect(h.f.accounts.others[0]).removeStaff(enterprise, clerkId)).wait();
      await h.indexer.sync();
      const res = await check(await oneCode(clerk, s));
      expect(res.json()).toMatchObject({ verified: false, reason: "ONE_CODE_NOT_REPRESENTATIVE", enterprise });
      expect(await h.accessLog.get(res.json().receipt.seq)).toMatchObject({ citizen: enterprise, decision: "denied", reason: "ONE_CODE_NOT_REPRESENTATIVE" });
      expect((await verify(await proofOf(clerk, clerkId))).json()).toMatchObject({ verified: false, reason: "NOT_REPRESENTATIVE" });

      const t = await staple(tokens.temp, { enterprise, ttlSeconds: 900 });
      await h.f.increaseTime(601);
      await h.syncClock();
      await h.indexer.sync();
      expect((await check(await oneCode(temp, t))).json()).toMatchObject({ verified: false, reason: "ONE_CODE_NOT_REPRESENTATIVE" });
    });
  });

  it("a statutory grant naming the enterprise: the agency reads under it, its representatives see it in the tracker, the auditor lists it with the enterprise as subject", async () => {
    const { f } = h;
    const now = await f.now();
    const receipt = await (await f.contracts.consentRegistry.connect(f.accounts.governor).grantStatutory(enterprise, f.accounts.agency.address, CREDENTIALS, code("tax-audit"), code("tax-collection-act-38"), now, now + 86400)).wait();
    const grantId = receipt!.logs.map((l: { topics: string[]; data: string }) => f.contracts.consentRegistry.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "StatutoryAccessGranted")!.args.grantId as string;
    await h.indexer.sync();
    // The representatives see it in the enterprise's tracker; the auditor lists it with the enterprise as subject.
    const tracked = (await tracker()) as unknown as { statutory: Array<{ grantId: string; anyCitizen: boolean; legalBasis: string }> };
    expect(tracked.statutory.find((g) => g.grantId === grantId.toLowerCase())).toMatchObject({ anyCitizen: false, legalBasis: code("tax-collection-act-38") });
    const auditorToken = await h.login(app, h.keys.auditor);
    const audit = await app.inject({ method: "GET", url: "/v1/audit/statutory", headers: bearer(auditorToken) });
    expect(audit.json().grants.find((g: { grantId: string }) => g.grantId === grantId.toLowerCase())).toMatchObject({ citizen: enterprise, anyCitizen: false });
    const before = h.accessLog.lastSeq();
    const read = await h.withSession(app, agencyToken, "/v1/access/data", { citizen: enterprise, scopes: String(CREDENTIALS), purpose: code("tax-audit"), grantId });
    // No record in the vault for this enterprise: a logged 404, under the statutory grant.
    expect([read.statusCode, read.json().code]).toEqual([404, "NO_RECORD"]);
    expect(await h.accessLog.get(before + 1)).toMatchObject({ citizen: enterprise, basis: "statutory", grantId: grantId.toLowerCase() });
  });

  it("a deregistered enterprise: its code and its representative's proof are refused", async () => {
    const s = await staple(tokens.rep);
    await (await h.f.contracts.enterpriseRegistry.connect(h.f.accounts.others[6]).deregister(enterprise, code("deregistered"))).wait();
    await h.indexer.sync();
    expect((await check(await oneCode(rep, s))).json()).toMatchObject({ verified: false, reason: "ONE_CODE_ENTERPRISE_INACTIVE" });
    expect((await verify(await proofOf(rep, repId))).json()).toMatchObject({ verified: false, reason: "ENTERPRISE_INACTIVE" });
    const res = await app.inject({ method: "POST", url: "/v1/one-code/staple", headers: bearer(tokens.rep), payload: { enterprise } });
    expect([res.statusCode, res.json().code]).toEqual([403, "ENTERPRISE_INACTIVE"]);
  });
});
