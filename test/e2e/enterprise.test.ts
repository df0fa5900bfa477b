// An enterprise, end to end, on a real chain with a real index, vault and access log behind the
// gateway: it registers at the legal-person counter, its legal representative appoints a staff
// member, it is black-listed for unpaid tax, an agency's predicate says "yes, listed" (logged), the
// enterprise applies for repair through the staff member with the hash of its evidence, the credit
// authority reads that evidence from the enterprise's record under the enterprise's consent (no
// paper) and approves, the next predicate says "no", and its representatives see every step in
// the enterprise's tracker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Contract, keccak256 } from "ethers";
import {
  canonicalJson,
  consentTypes,
  creditTypes,
  enterpriseIdOf,
  enterpriseTypes,
  ENTERPRISE_SCOPES,
  gatewayRoutes,
  randomBytes32,
  recordCommitment,
  signIdentityProof,
  type Hex,
} from "@imi-ledger/sdk";
import { recoverPredicateAnswerSigner } from "../../node/gateway/index.js";
import { code, randomId, registerCitizen } from "../node/indexer/helpers.js";
import { createHarness, localKeyOf, type Harness } from "../node/gateway/harness.js";
import { registerFixtureAgency } from "../helpers/agencies.js";
import { ROLE } from "../helpers/deployImi.js";
import { domainOf } from "../helpers/typedData.js";

const CODE = "91350100M000100Y43";
const LICENCE = 1n << 8n;
const TAX = 1n << 9n;
const CREDENTIALS = 1n << 7n;
const TAX_AUDIT = code("tax-audit");
const JOINT_PUNISHMENT = code("joint-punishment");
const EVIDENCE = code("evidence");
const TAX_BLACKLIST = code('{"name":"tax-arrears-blacklist","version":"1"}');
const REASON_UNPAID_TAX = 101;
const REASON_TAX_SETTLED = 201;

type Record_ = Record<string, Record<string, string | number | boolean>>;

describe("end to end: an enterprise black-listed for unpaid tax repairs its credit without paper", () => {
  let h: Harness;
  let app: FastifyInstance;
  const enterprise = enterpriseIdOf(CODE).toLowerCase() as Hex;
  let rep: HardhatEthersSigner, clerk: HardhatEthersSigner, receptionist: HardhatEthersSigner, counter: HardhatEthersSigner, authority: HardhatEthersSigner;
  let repId: string, clerkId: string, receptionistId: string;
  let agencyToken: string, counterToken: string, authorityToken: string;
  let statutoryId: string;
  const seconds = () => Math.floor(h.now() / 1000);
  let record: Record_;
  let salt: Hex;

  beforeAll(async () => {
    h = await createHarness();
    const { f } = h;
    Object.assign(h.deployment.contracts, {
      enterpriseRegistry: (await f.contracts.enterpriseRegistry.getAddress()) as Hex,
      creditRegistry: (await f.contracts.creditRegistry.getAddress()) as Hex,
    });
    [rep, clerk, receptionist, counter, authority] = [f.accounts.others[0], f.accounts.others[1], f.accounts.others[2], f.accounts.others[6], f.accounts.others[7]];
    const gov = f.accounts.governor;
    await (await f.contracts.accessManager.connect(gov).grantRole(ROLE.COUNTER, counter.address, 0)).wait();
    await (await f.contracts.accessManager.connect(gov).grantRole(ROLE.CREDIT_AUTHORITY, authority.address, 0)).wait();
    // The authority reads repair evidence through the gateway like any agency: role and registration.
    await (await f.contracts.accessManager.connect(gov).grantRole(ROLE.AGENCY, authority.address, 0)).wait();
    await registerFixtureAgency(f.contracts.agencyRegistry, gov, authority.address);
    repId = await registerCitizen(f, rep);
    clerkId = await registerCitizen(f, clerk);
    receptionistId = await registerCitizen(f, receptionist);
    await (await f.contracts.credentialRegistry.connect(gov).registerSchema(TAX_BLACKLIST, "tax-arrears-blacklist", "1")).wait();
    await (await f.contracts.credentialRegistry.connect(gov).setIssuerTrust(TAX_BLACKLIST, authority.address, true)).wait();
    await (await f.contracts.creditRegistry.connect(gov).defineList(TAX_BLACKLIST, 2, true)).wait();
    const now = await f.now();
    // Joint punishment rests on law: a statutory grant for any subject, the credentials category.
    const receipt = await (await f.contracts.consentRegistry.connect(gov).grantStatutory("0x" + "00".repeat(32), f.accounts.agency.address, CREDENTIALS, JOINT_PUNISHMENT, code("memorandum-2016-33"), now, now + 365 * 86400)).wait();
    statutoryId = receipt.logs.map((l: { topics: string[]; data: string }) => f.contracts.consentRegistry.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "StatutoryAccessGranted").args.grantId;
    await h.indexer.sync();
    app = await h.app();
    agencyToken = await h.login(app, h.keys.agency);
    counterToken = await h.login(app, localKeyOf(counter.address));
    authorityToken = await h.login(app, localKeyOf(authority.address));
  }, 120_000);
  afterAll(async () => h?.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function citizenLogin(key: HardhatEthersSigner, citizen: string): Promise<string> {
    const c = (await app.inject({ method: "POST", url: "/v1/auth/challenge" })).json();
    const res = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: signIdentityProof(localKeyOf(key.address), { chainId: h.f.chainId, citizen: citizen as Hex, audience: c.audience, challenge: c.challenge, issuedAt: seconds() }) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().token;
  }

  /** An EIP-712 authorization as the relay routes take it, signed by a citizen's key. */
  async function authorize(key: HardhatEthersSigner, name: string, verifyingContract: string, types: Record<string, readonly { name: string; type: string }[]>, type: string, message: Record<string, unknown>) {
    const contract = new Contract(verifyingContract, ["function nonces(address) view returns (uint256)"], h.f.ethers.provider);
    const nonce = (await contract.getFunction("nonces")(key.address)) as bigint;
    const deadline = (await h.f.now()) + 3600;
    const domain = domainOf(name, h.f.chainId, verifyingContract);
    const signature = await key.signTypedData(domain, { [type]: [...types[type]] }, { ...message, nonce, deadline });
    return { signer: key.address, deadline: String(deadline), signature };
  }

  const predicate = (p: Record<string, unknown>, scopes: bigint, purpose: string, grantId?: string) =>
    h.withSession(app, agencyToken, gatewayRoutes.accessPredicate.url, { citizen: enterprise, scopes: String(scopes), purpose, ...(grantId ? { grantId } : {}), predicate: p });
  const listed = () =>
    h.withSession(app, agencyToken, gatewayRoutes.creditPredicate.url, { citizen: enterprise, scopes: String(CREDENTIALS), purpose: JOINT_PUNISHMENT, grantId: statutoryId, predicate: { type: "creditListed", schemaId: TAX_BLACKLIST } });

  async function storeRecord(r: Record_, s: Hex) {
    return app.inject({ method: "POST", url: `/v1/enterprises/${enterprise}/record`, headers: bearer(counterToken), payload: { salt: s, record: r } });
  }

  let taxConsent: string;
  let evidenceConsent: string;
  let entryId: string;
  let repairId: string;
  let evidenceHash: string;

  it("the counter registers the enterprise (id and commitment on chain) and stores its record in the vault; a record the chain did not commit is refused", async () => {
    record = {
      licence: { number: "JY35010020260001", kind: "food-business", validUntil: "2030-12-31", status: "valid" },
      tax: { standing: "arrears", asOf: "2026-11-30" },
      inspection: { lastDate: "2026-10-12", result: "pass" },
    };
    salt = randomBytes32();
    await (await h.f.contracts.enterpriseRegistry.connect(counter).register(enterprise, recordCommitment(record, salt), repId)).wait();
    await h.indexer.sync();
    const forged = await storeRecord({ ...record, tax: { standing: "good", asOf: "2026-11-30" } }, salt);
    expect([forged.statusCode, forged.json().code]).toEqual([403, "COMMITMENT_MISMATCH"]);
    expect(await h.vault.get(enterprise)).toBeUndefined();
    // Only the counter stores records.
    const byAgency = await app.inject({ method: "POST", url: `/v1/enterprises/${enterprise}/record`, headers: bearer(agencyToken), payload: { salt, record } });
    expect([byAgency.statusCode, byAgency.json().code]).toEqual([403, "ROLE_NOT_HELD"]);
    const stored = await storeRecord(record, salt);
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json()).toMatchObject({ enterprise, categories: ["licence", "tax", "inspection"] });
  });

  it("the legal representative appoints a staff member (signed, relayed); the staff member grants the tax office the enterprise's consent", async () => {
    const registry = await h.f.contracts.enterpriseRegistry.getAddress();
    const scopes = ENTERPRISE_SCOPES.consent | ENTERPRISE_SCOPES.tracker | ENTERPRISE_SCOPES.credit;
    const expiresAt = (await h.f.now()) + 180 * 86400;
    const appoint = { enterprise, staff: clerkId, scopes, expiresAt };
    const res = await app.inject({
      method: "POST",
      url: `/v1/enterprises/${enterprise}/staff`,
      payload: { staff: clerkId, scopes: String(scopes), expiresAt: String(expiresAt), authorization: await authorize(rep, "IMI EnterpriseRegistry", registry, enterpriseTypes, "AppointStaff", appoint) },
    });
    expect(res.statusCode, res.body).toBe(200);
    // A receptionist with the consent scope only: she may grant, not read the tracker.
    await (await h.f.contracts.enterpriseRegistry.connect(rep).appointStaff(enterprise, receptionistId, ENTERPRISE_SCOPES.consent, expiresAt)).wait();

    const consents = await h.f.contracts.consentRegistry.getAddress();
    const now = await h.f.now();
    const request = { citizen: enterprise, agency: h.f.accounts.agency.address, scopes: LICENCE | TAX, purpose: TAX_AUDIT, validFrom: now, validUntil: now + 90 * 86400, maxUses: 0 };
    const granted = await app.inject({
      method: "POST",
      url: "/v1/consents",
      payload: { request: { ...request, scopes: String(request.scopes), validFrom: String(request.validFrom), validUntil: String(request.validUntil) }, authorization: await authorize(clerk, "IMI ConsentRegistry", consents, consentTypes, "Grant", request) },
    });
    expect(granted.statusCode, granted.body).toBe(200);
    taxConsent = granted.json().consentId;
    // Someone who does not act for the enterprise cannot grant for it: the chain refuses, nothing is relayed.
    const outsider = h.f.accounts.others[3];
    const refused = await app.inject({
      method: "POST",
      url: "/v1/consents",
      payload: { request: { ...request, scopes: String(request.scopes), validFrom: String(request.validFrom), validUntil: String(request.validUntil) }, authorization: await authorize(outsider, "IMI ConsentRegistry", consents, consentTypes, "Grant", request) },
    });
    expect([refused.statusCode, refused.json().code, refused.json().message]).toEqual([422, "CHAIN_REFUSED", "The contract refused: ConsentRegistryUnauthorized."]);
  });

  it("the tax office reads the licence under the consent and asks 'licence valid?' (yes) and 'tax in good standing?' (no), each logged against the enterprise", async () => {
    const data = await h.withSession(app, agencyToken, gatewayRoutes.accessData.url, { citizen: enterprise, scopes: String(LICENCE), purpose: TAX_AUDIT, grantId: taxConsent });
    expect(data.statusCode, data.body).toBe(200);
    expect(data.json().data).toEqual({ licence: record.licence });
    const licence = await predicate({ type: "licenceValid", kind: "food-business" }, LICENCE, TAX_AUDIT, taxConsent);
    expect(licence.statusCode, licence.body).toBe(200);
    expect(licence.json().result).toBe(true);
    expect(recoverPredicateAnswerSigner(h.f.chainId, licence.json().answer, licence.json().signature)).toBe(h.gatewayAccount.address);
    expect((await predicate({ type: "licenceValid", kind: "pharmacy" }, LICENCE, TAX_AUDIT, taxConsent)).json().result).toBe(false);
    const tax = await predicate({ type: "taxInGoodStanding" }, TAX, TAX_AUDIT);
    expect(tax.statusCode, tax.body).toBe(200);
    expect(tax.json().result).toBe(false);
    expect(await h.accessLog.get(tax.json().receipt.seq)).toMatchObject({ kind: "predicate", decision: "allowed", basis: "consent", citizen: enterprise });
    // Beyond the consent (inspection records), refused and logged.
    const beyond = await h.withSession(app, agencyToken, gatewayRoutes.accessData.url, { citizen: enterprise, scopes: String(1n << 10n), purpose: TAX_AUDIT, grantId: taxConsent });
    expect([beyond.statusCode, beyond.json().code]).toEqual([403, "SCOPE_NOT_COVERED"]);
    // The wrong predicate for the scope is a usage error, and logs nothing.
    const before = h.accessLog.lastSeq();
    expect((await predicate({ type: "taxInGoodStanding" }, LICENCE, TAX_AUDIT)).json().code).toBe("SCOPE_MISMATCH");
    expect(h.accessLog.lastSeq()).toBe(before);
  });

  it("the enterprise is black-listed for unpaid tax; the agency's credit predicate says yes, logged", async () => {
    const now = await h.f.now();
    entryId = randomId();
    await (await h.f.contracts.creditRegistry.connect(authority).recordEntry(entryId, enterprise, TAX_BLACKLIST, code("tax-law-art-6"), REASON_UNPAID_TAX, now, now + 365 * 86400)).wait();
    const res = await listed();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().result).toBe(true);
    expect(await h.accessLog.get(res.json().receipt.seq)).toMatchObject({ kind: "predicate", basis: "statutory", decision: "allowed", citizen: enterprise });
  });

  it("repair without paper: the tax is paid and the record updated at the counter; the staff member consents to the authority reading the tax record and applies with its hash; the authority reads it from the vault under that consent, the hashes match, and approves", async () => {
    // The tax office's new standing reaches the record: the counter commits it on chain, then stores it.
    record = { ...record, tax: { standing: "good", asOf: "2026-12-01", settlement: "SW-2026-0042" } };
    salt = randomBytes32();
    await (await h.f.contracts.enterpriseRegistry.connect(counter).updateRecord(enterprise, recordCommitment(record, salt))).wait();
    expect((await storeRecord(record, salt)).statusCode).toBe(200);

    const consents = await h.f.contracts.consentRegistry.getAddress();
    const now = await h.f.now();
    const request = { citizen: enterprise, agency: authority.address, scopes: TAX, purpose: EVIDENCE, validFrom: now, validUntil: now + 30 * 86400, maxUses: 0 };
    const granted = await app.inject({
      method: "POST",
      url: "/v1/consents",
      payload: { request: { ...request, scopes: String(TAX), validFrom: String(now), validUntil: String(request.validUntil) }, authorization: await authorize(clerk, "IMI ConsentRegistry", consents, consentTypes, "Grant", request) },
    });
    expect(granted.statusCode, granted.body).toBe(200);
    evidenceConsent = granted.json().consentId;

    // The evidence is named, not uploaded: the hash of the tax record the authority will read at the source.
    evidenceHash = keccak256(new TextEncoder().encode(canonicalJson({ tax: record.tax })));
    const credit = await h.f.contracts.creditRegistry.getAddress();
    const filed = await app.inject({
      method: "POST",
      url: gatewayRoutes.applyRepair.url,
      payload: { entryId, evidenceHash, authorization: await authorize(clerk, "IMI CreditRegistry", credit, creditTypes, "ApplyForRepair", { entryId, evidenceHash }) },
    });
    expect(filed.statusCode, filed.body).toBe(200);
    repairId = filed.json().repairId;

    // The authority reads the evidence under the enterprise's consent: logged like every access.
    const read = await h.withSession(app, authorityToken, gatewayRoutes.accessData.url, { citizen: enterprise, scopes: String(TAX), purpose: EVIDENCE, grantId: evidenceConsent });
    expect(read.statusCode, read.body).toBe(200);
    const readHash = keccak256(new TextEncoder().encode(canonicalJson(read.json().data)));
    expect(readHash).toBe(evidenceHash);
    expect((await h.f.contracts.creditRegistry.getRepair(repairId)).evidenceHash).toBe(evidenceHash);
    // The authority's consent covers tax only: the licence stays closed to it.
    const beyond = await h.withSession(app, authorityToken, gatewayRoutes.accessData.url, { citizen: enterprise, scopes: String(LICENCE), purpose: EVIDENCE, grantId: evidenceConsent });
    expect(beyond.statusCode).toBe(403);

    await (await h.f.contracts.creditRegistry.connect(authority).decideRepair(repairId, true, REASON_TAX_SETTLED)).wait();
    const after = await listed();
    expect(after.statusCode).toBe(200);
    expect(after.json().result).toBe(false);
    expect((await predicate({ type: "taxInGoodStanding" }, TAX, TAX_AUDIT, taxConsent)).json().result).toBe(true);
  });

  it("the representatives see every step in the enterprise's tracker; staff without the tracker scope and outsiders do not", async () => {
    for (const [key, id, asRep] of [[rep, repId, true], [clerk, clerkId, false]] as const) {
      const token = await citizenLogin(key, id);
      const res = await app.inject({ method: "GET", url: `/v1/enterprises/${enterprise}/tracker`, headers: bearer(token) });
      expect(res.statusCode, res.body).toBe(200);
      const t = res.json();
      expect(t.viewer).toEqual({ citizen: id.toLowerCase(), asLegalRepresentative: asRep });
      const steps = t.accesses.map((a: { agency: string; kind: string; decision: string; reason: string; basis: string }) => [a.agency.toLowerCase(), a.kind, a.decision, a.basis]);
      const agency = h.f.accounts.agency.address.toLowerCase();
      expect(steps).toEqual([
        [agency, "data", "allowed", "consent"], // the licence read
        [agency, "predicate", "allowed", "consent"], // licence valid? yes
        [agency, "predicate", "allowed", "consent"], // licence of another kind? no
        [agency, "predicate", "allowed", "consent"], // tax in good standing? no
        [agency, "data", "denied", "consent"], // inspections: beyond the consent
        [agency, "predicate", "allowed", "statutory"], // black-listed? yes
        [authority.address.toLowerCase(), "data", "allowed", "consent"], // the evidence read
        [authority.address.toLowerCase(), "data", "denied", "consent"], // beyond the evidence consent
        [agency, "predicate", "allowed", "statutory"], // black-listed? no
        [agency, "predicate", "allowed", "consent"], // tax in good standing? yes
      ]);
      expect(t.consents.map((c: { consentId: string; status: string; grantedBy: string }) => [c.consentId, c.status, c.grantedBy])).toEqual([
        [taxConsent.toLowerCase(), "active", clerk.address.toLowerCase()],
        [evidenceConsent.toLowerCase(), "active", clerk.address.toLowerCase()],
      ]);
      expect(t.credit.entries).toHaveLength(1);
      expect(t.credit.entries[0]).toMatchObject({ entryId: entryId.toLowerCase(), kind: "black", reason: REASON_UNPAID_TAX, status: "ended", published: true });
      expect(t.credit.repairs).toEqual([
        expect.objectContaining({ repairId, entryId: entryId.toLowerCase(), evidenceHash, applicant: clerk.address, status: "approved", decidedBy: authority.address, decisionReason: REASON_TAX_SETTLED }),
      ]);
    }
    const receptionistToken = await citizenLogin(receptionist, receptionistId);
    const noScope = await app.inject({ method: "GET", url: `/v1/enterprises/${enterprise}/tracker`, headers: bearer(receptionistToken) });
    expect([noScope.statusCode, noScope.json().code]).toEqual([403, "NOT_REPRESENTATIVE"]);
    const outsider = h.f.accounts.others[3];
    const outsiderId = await registerCitizen(h.f, outsider);
    await h.indexer.sync();
    const outsiderToken = await citizenLogin(outsider, outsiderId);
    const notRep = await app.inject({ method: "GET", url: `/v1/enterprises/${enterprise}/tracker`, headers: bearer(outsiderToken) });
    expect([notRep.statusCode, notRep.json().code]).toEqual([403, "NOT_REPRESENTATIVE"]);
    // An agency's session is not a citizen's.
    const agency = await app.inject({ method: "GET", url: `/v1/enterprises/${enterprise}/tracker`, headers: bearer(agencyToken) });
    expect(agency.statusCode).toBe(403);
  });

  it("once the staff member's appointment is removed, the tracker is closed to him at once; deregistered, the enterprise's consents stop counting", async () => {
    const token = await citizenLogin(clerk, clerkId);
    await (await h.f.contracts.enterpriseRegistry.connect(rep).removeStaff(enterprise, clerkId)).wait();
    const res = await app.inject({ method: "GET", url: `/v1/enterprises/${enterprise}/tracker`, headers: bearer(token) });
    expect([res.statusCode, res.json().code]).toEqual([403, "NOT_REPRESENTATIVE"]);
    await (await h.f.contracts.enterpriseRegistry.connect(counter).deregister(enterprise, code("deregistered"))).wait();
    await h.indexer.sync();
    const refused = await predicate({ type: "taxInGoodStanding" }, TAX, TAX_AUDIT, taxConsent);
    expect([refused.statusCode, refused.json().code]).toEqual([403, "CITIZEN_INACTIVE"]);
    expect(await h.accessLog.get(refused.json().receipt.seq)).toMatchObject({ decision: "denied", reason: "CITIZEN_INACTIVE", citizen: enterprise });
  });
});
