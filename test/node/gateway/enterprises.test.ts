// What the web app's enterprise screens read and relay, on a real chain: the enterprises a citizen acts
// for (by name, from the register's part of the record), the staff list, the legal representative's
// signed appointment and removal, and the enterprise's consents and credit entries, each behind the
// scope that acts on them: a representative without it is refused NOT_REPRESENTATIVE and sees nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { ENTERPRISE_SCOPES, appointStaffTypedData, enterpriseIdOf, removeStaffTypedData, signIdentityProof, type Hex, type LocalAccount } from "@imi-ledger/sdk";
import { code, grantConsent, randomId, registerCitizen } from "../indexer/helpers.js";
import { createHarness, localKeyOf, type Harness } from "./harness.js";
import { ROLE } from "../../helpers/deployImi.js";

const CODE = "91440300708461136T";
const NAME = "示例科技有限公司";
const TAX_BLACKLIST = code('{"name":"tax-arrears-blacklist","version":"1"}');

describe("gateway: an enterprise's pages for its representatives", () => {
  let h: Harness;
  let app: FastifyInstance;
  let enterpriseRegistry: Hex;
  const enterprise = enterpriseIdOf(CODE).toLowerCase() as Hex;
  let rep: { id: Hex; key: LocalAccount; token: string };
  let staff: { id: Hex; key: LocalAccount; token: string };
  let outsider: { id: Hex; key: LocalAccount; token: string };
  let entryId: string;
  let consentId: string;

  const seconds = () => Math.floor(h.now() / 1000);
  const get = (token: string, url: string) => app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });

  async function citizen(index: number) {
    const signer = h.f.accounts.others[index];
    const id = (await registerCitizen(h.f, signer)) as Hex;
    const key = localKeyOf(signer.address);
    return { id, key, token: "" };
  }

  async function login(who: { id: Hex; key: LocalAccount }) {
    const c = (await app.inject({ method: "POST", url: "/v1/auth/challenge" })).json();
    const res = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: signIdentityProof(who.key, { chainId: h.f.chainId, citizen: who.id, audience: c.audience, challenge: c.challenge, issuedAt: seconds() }) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().token as string;
  }

  const enterpriseNonce = async (signer: string) => BigInt((await app.inject({ method: "GET", url: `/v1/signers/${signer}/nonces` })).json().enterpriseRegistry);

  beforeAll(async () => {
    h = await createHarness();
    const { f } = h;
    enterpriseRegistry = (await f.contracts.enterpriseRegistry.getAddress()) as Hex;
    Object.assign(h.deployment.contracts, { enterpriseRegistry, creditRegistry: (await f.contracts.creditRegistry.getAddress()) as Hex });
    const gov = f.accounts.governor;
    const [counter, authority] = [f.accounts.others[7], f.accounts.others[8]];
    await (await f.contracts.accessManager.connect(gov).grantRole(ROLE.COUNTER, counter.address, 0)).wait();
    await (await f.contracts.accessManager.connect(gov).grantRole(ROLE.CREDIT_AUTHORITY, authority.address, 0)).wait();
    rep = await citizen(0);
    staff = await citizen(1);
    outsider = await citizen(2);
    await (await f.contracts.enterpriseRegistry.connect(counter).register(enterprise, randomId(), rep.id)).wait();
    await h.vault.put(enterprise, { enterprise: { code: CODE, name: NAME } });
    await (await f.contracts.credentialRegistry.connect(gov).registerSchema(TAX_BLACKLIST, "tax-arrears-blacklist", "1")).wait();
    await (await f.contracts.credentialRegistry.connect(gov).setIssuerTrust(TAX_BLACKLIST, authority.address, true)).wait();
    await (await f.contracts.creditRegistry.connect(gov).defineList(TAX_BLACKLIST, 2, true)).wait();
    const now = await f.now();
    entryId = randomId();
    await (await f.contracts.creditRegistry.connect(authority).recordEntry(entryId, enterprise, TAX_BLACKLIST, code("tax-law-art-6"), 101, now, now + 365 * 86400)).wait();
    // The legal representative's key grants the enterprise's consent, as a citizen grants her own.
    consentId = await grantConsent(f, f.accounts.others[0], { citizen: enterprise, agency: f.accounts.agency.address, scopes: 1n << 8n, purpose: code("a") });
    await h.indexer.sync();
    app = await h.app();
    for (const who of [rep, staff, outsider]) who.token = await login(who);
  });
  afterAll(async () => h?.close());

  it("lists the enterprises a citizen acts for, by name and code, with her scopes; others see none", async () => {
    const mine = await get(rep.token, "/v1/citizen/enterprises");
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toEqual({
      citizen: rep.id.toLowerCase(),
      enterprises: [{ enterprise, name: NAME, code: CODE, asLegalRepresentative: true, scopes: "15", scopeNames: ["consent", "tracker", "credit", "identity"], expiresAt: "0" }],
    });
    expect((await get(staff.token, "/v1/citizen/enterprises")).json().enterprises).toEqual([]);
    expect((await app.inject({ method: "GET", url: "/v1/citizen/enterprises" })).statusCode).toBe(401);
    // Who acts for the enterprise is for its representatives: an outsider is refused and sees no one.
    const outsiderList = await get(outsider.token, `/v1/enterprises/${enterprise}/staff`);
    expect([outsiderList.statusCode, outsiderList.json().code]).toEqual([403, "NOT_REPRESENTATIVE"]);
    expect(outsiderList.body).not.toContain(rep.id.slice(2).toLowerCase());
  });

  it("the legal representative's signed appointment is relayed; the staff member then acts within her scopes only", async () => {
    const expiresAt = (await h.f.now()) + 30 * 86400;
    const scopes = ENTERPRISE_SCOPES.tracker | ENTERPRISE_SCOPES.credit;
    const deadline = (await h.f.now()) + 3600;
    const typed = appointStaffTypedData({ chainId: h.f.chainId, verifyingContract: enterpriseRegistry, enterprise, staff: staff.id, scopes, expiresAt, nonce: await enterpriseNonce(rep.key.address), deadline });
    const signature = await rep.key.signTypedData(typed);
    const relayed = await app.inject({ method: "POST", url: `/v1/enterprises/${enterprise}/staff`, payload: { staff: staff.id, scopes: String(scopes), expiresAt: String(expiresAt), authorization: { signer: rep.key.address, deadline: String(deadline), signature } } });
    expect(relayed.statusCode, relayed.body).toBe(200);

    const list = await get(staff.token, `/v1/enterprises/${enterprise}/staff`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json()).toMatchObject({ enterprise, legalRepresentative: rep.id.toLowerCase(), viewer: { citizen: staff.id.toLowerCase(), asLegalRepresentative: false } });
    expect(list.json().staff).toEqual([expect.objectContaining({ staff: staff.id.toLowerCase(), scopeNames: ["tracker", "credit"], expiresAt: String(expiresAt), removedAt: "0", active: true })]);
    expect((await get(staff.token, "/v1/citizen/enterprises")).json().enterprises).toEqual([
      { enterprise, name: NAME, code: CODE, asLegalRepresentative: false, scopes: String(scopes), scopeNames: ["tracker", "credit"], expiresAt: String(expiresAt) },
    ]);

    // Credit: the staff member sees the entry on the black list; the outsider is refused.
    const credit = await get(staff.token, `/v1/enterprises/${enterprise}/credit`);
    expect(credit.statusCode, credit.body).toBe(200);
    expect(credit.json()).toMatchObject({ enterprise, entries: [{ entryId: entryId.toLowerCase(), kind: "black", list: "tax-arrears-blacklist", status: "listed", reason: 101 }], repairs: [] });
    const refused = await get(outsider.token, `/v1/enterprises/${enterprise}/credit`);
    expect([refused.statusCode, refused.json().code]).toEqual([403, "NOT_REPRESENTATIVE"]);
    expect(refused.body).not.toContain(entryId.slice(2));

    // Consents: hers to see only with the consent scope, which the legal representative holds.
    const noScope = await get(staff.token, `/v1/enterprises/${enterprise}/consents`);
    expect([noScope.statusCode, noScope.json().code]).toEqual([403, "NOT_REPRESENTATIVE"]);
    expect(noScope.body).not.toContain(consentId.slice(2));
    const consents = await get(rep.token, `/v1/enterprises/${enterprise}/consents`);
    expect(consents.statusCode, consents.body).toBe(200);
    expect(consents.json()).toMatchObject({ enterprise, consents: [{ consentId: consentId.toLowerCase(), status: "active" }] });
  });

  it("the legal representative's signed removal is relayed: the staff member is refused at once and the list shows the removal", async () => {
    const deadline = (await h.f.now()) + 3600;
    const typed = removeStaffTypedData({ chainId: h.f.chainId, verifyingContract: enterpriseRegistry, enterprise, staff: staff.id, nonce: await enterpriseNonce(rep.key.address), deadline });
    const authorization = { signer: rep.key.address, deadline: String(deadline), signature: await rep.key.signTypedData(typed) };
    // Someone else's signature removes nothing.
    const forged = { signer: outsider.key.address, deadline: String(deadline), signature: await outsider.key.signTypedData({ ...typed, message: { ...typed.message, nonce: await enterpriseNonce(outsider.key.address) } }) };
    const bad = await app.inject({ method: "POST", url: `/v1/enterprises/${enterprise}/staff/${staff.id}/remove`, payload: { authorization: forged } });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect((await get(staff.token, `/v1/enterprises/${enterprise}/credit`)).statusCode).toBe(200);

    const removed = await app.inject({ method: "POST", url: `/v1/enterprises/${enterprise}/staff/${staff.id}/remove`, payload: { authorization } });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toMatchObject({ enterprise });
    const after = await get(staff.token, `/v1/enterprises/${enterprise}/credit`);
    expect([after.statusCode, after.json().code]).toEqual([403, "NOT_REPRESENTATIVE"]);
    expect((await get(staff.token, "/v1/citizen/enterprises")).json().enterprises).toEqual([]);
    const list = (await get(rep.token, `/v1/enterprises/${enterprise}/staff`)).json();
    expect(list.staff).toEqual([expect.objectContaining({ staff: staff.id.toLowerCase(), active: false })]);
    expect(Number(list.staff[0].removedAt)).toBeGreaterThan(0);
  });
});
