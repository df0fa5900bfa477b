import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keccak256, toUtf8Bytes, verifyTypedData } from "ethers";
import type { FastifyInstance } from "fastify";
import { canonicalJson } from "@imi-ledger/sdk";
import { revokeConsentTypedData } from "@imi-ledger/sdk";
import { decryptWithKey, predicateAnswerTypes, recoverPredicateAnswerSigner } from "../../../node/gateway/index.js";
import { code, grantConsent, randomId, registerCitizen } from "../indexer/helpers.js";
import { createHarness, localKeyOf, type Harness } from "./harness.js";

const P = code("social-benefits");
const TAX = code("tax");
// Default categories: 0 identity, 1 birth, 2 address, 3 contact, 4 health, 5 income, 6 family, 7 credentials.
const BIRTH = 1n << 1n;
const ADDRESS = 1n << 2n;
const INCOME = 1n << 5n;

describe("gateway: agency access", () => {
  let h: Harness;
  let app: FastifyInstance;
  let token: string;
  let citizen: string;
  let consentId: string;
  const record = {
    identity: { name: "Li Na" },
    birth: { birthDate: "1990-06-01" },
    address: { district: "Haidian", street: "1 Example Road" },
    income: { yearly: 52000 },
  };

  beforeAll(async () => {
    h = await createHarness();
    const { f } = h;
    citizen = await registerCitizen(f, f.accounts.others[0]);
    await h.vault.put(citizen, record);
    consentId = await grantConsent(f, f.accounts.others[0], { citizen, agency: f.accounts.agency.address, scopes: ADDRESS | INCOME | BIRTH, purpose: P });
    await h.indexer.sync();
    app = await h.app();
    token = await h.login(app, h.keys.agency);
  });
  afterAll(async () => h?.close());

  const body = (over: Record<string, unknown> = {}) => ({ citizen, scopes: String(ADDRESS), purpose: P, ...over });

  it("answers an allowed access with exactly the categories asked for and a durable receipt", async () => {
    const before = h.accessLog.lastSeq();
    const res = await h.withSession(app, token, "/v1/access/data", body({ scopes: String(ADDRESS | INCOME) }));
    expect(res.statusCode).toBe(200);
    const out = res.json();
    expect(out.data).toEqual({ address: record.address, income: record.income });
    expect(out.grantId).toBe(consentId.toLowerCase());
    expect(out.basis).toBe("consent");
    expect(out.receipt.seq).toBe(before + 1);
    const logged = await h.accessLog.get(out.receipt.seq);
    expect(logged).toMatchObject({ decision: "allowed", reason: "ALLOWED", kind: "data", citizen: citizen.toLowerCase(), grantId: consentId.toLowerCase(), recordHash: out.receipt.recordHash });
    expect(logged!.agency.toLowerCase()).toBe(h.f.accounts.agency.address.toLowerCase());
    const { receipt: _r, responseHash, ...payload } = out;
    void _r;
    expect(responseHash).toBe(keccak256(toUtf8Bytes(canonicalJson(payload))));
    expect(logged!.responseHash).toBe(responseHash);
  });

  it("accepts the SDK's per-request signature instead of a session", async () => {
    const res = await h.signed(app, h.keys.agency, "/v1/access/data", body());
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual({ address: record.address });
  });

  it("refuses a signed request whose body was changed, or whose signer is not the agency", async () => {
    const tampered = await h.signed(app, h.keys.agency, "/v1/access/data", body(), { tamper: (b) => b.replace(`"scopes":"${ADDRESS}"`, `"scopes":"${INCOME}"`) });
    expect(tampered.json().code).toBe("BAD_SIGNATURE");
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json().code).toBe("BAD_SIGNATURE");
    const outsider = await h.signed(app, h.keys.outsider, "/v1/access/data", body());
    expect(outsider.statusCode).toBe(403);
    expect(outsider.json().code).toBe("NOT_AN_AGENCY");
  });

  it("logs and refuses accesses the consent does not cover", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ purpose: TAX }, "UNKNOWN_GRANT"],
      [{ purpose: TAX, grantId: consentId }, "WRONG_PURPOSE"],
      [{ scopes: String(1n << 4n) }, "SCOPE_NOT_COVERED"],
      [{ grantId: randomId() }, "UNKNOWN_GRANT"],
    ];
    for (const [over, expected] of cases) {
      const before = h.accessLog.lastSeq();
      const res = await h.withSession(app, token, "/v1/access/data", body(over));
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe(expected);
      expect(res.json().receipt.seq).toBe(before + 1);
      expect(await h.accessLog.get(before + 1)).toMatchObject({ decision: "denied", reason: expected });
      expect(res.json().data).toBeUndefined();
    }
  });

  it("refuses replayed nonces, skewed timestamps and malformed requests without logging", async () => {
    const nonce = randomId();
    expect((await h.withSession(app, token, "/v1/access/data", body(), { nonce })).statusCode).toBe(200);
    const before = h.accessLog.lastSeq();
    const replay = await h.withSession(app, token, "/v1/access/data", body(), { nonce });
    expect(replay.statusCode).toBe(409);
    expect(replay.json().code).toBe("NONCE_REUSED");
    const skewed = await h.withSession(app, token, "/v1/access/data", body(), { issuedAt: Math.floor(h.now() / 1000) - 3600 });
    expect(skewed.json().code).toBe("STALE_REQUEST");
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ ...body(), extra: 1 }, "INVALID_REQUEST"],
      [{ ...body(), scopes: 4 }, "INVALID_REQUEST"],
      [{ ...body(), citizen: "0x1234" }, "INVALID_REQUEST"],
      [{ ...body(), scopes: String(1n << 100n) }, "UNKNOWN_CATEGORY"],
      [{ ...body(), scopes: "0" }, "INVALID_SCOPES"],
    ];
    for (const [payload, expected] of bad) {
      const res = await h.withSession(app, token, "/v1/access/data", payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe(expected);
    }
    const proto = await app.inject({
      method: "POST",
      url: "/v1/access/data",
      headers: { authorization: `Bearer ${token}`, "x-imi-nonce": randomId(), "x-imi-issued-at": String(Math.floor(h.now() / 1000)), "content-type": "application/json" },
      payload: `{"citizen":"${citizen}","scopes":"4","purpose":"${P}","__proto__":{"x":1}}`,
    });
    expect(proto.statusCode).toBe(400);
    const notJson = await app.inject({ method: "POST", url: "/v1/access/data", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, payload: "{" });
    expect(notJson.statusCode).toBe(400);
    const big = await h.withSession(app, token, "/v1/access/data", { ...body(), pad: "x".repeat(100_000) });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe("BODY_TOO_LARGE");
    const noAuth = await app.inject({ method: "POST", url: "/v1/access/data", headers: { "x-imi-nonce": randomId(), "x-imi-issued-at": "1" }, payload: body() });
    expect(noAuth.statusCode).toBe(401);
    const badToken = await h.withSession(app, "A".repeat(43), "/v1/access/data", body());
    expect(badToken.json().code).toBe("SESSION_EXPIRED");
    expect(h.accessLog.lastSeq()).toBe(before);
  });

  it("encrypts the answer to the agency's own key on request", async () => {
    const key = h.keys.agency;
    const res = await h.withSession(app, token, "/v1/access/data", body({ encryptTo: key.publicKey }));
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toBeUndefined();
    const plain = JSON.parse(new TextDecoder().decode(decryptWithKey(key.exportPrivateKey(), res.json().encrypted)));
    expect(plain).toEqual({ address: record.address });
    const foreign = await h.withSession(app, token, "/v1/access/data", body({ encryptTo: h.keys.agency2.publicKey }));
    expect(foreign.json().code).toBe("WRONG_ENCRYPTION_KEY");
  });

  it("enforces a consent's use limit, also under concurrent requests", async () => {
    const c2 = await registerCitizen(h.f, h.f.accounts.others[1]);
    await h.vault.put(c2, record);
    await grantConsent(h.f, h.f.accounts.others[1], { citizen: c2, agency: h.f.accounts.agency.address, scopes: ADDRESS, purpose: P, maxUses: 3 });
    await h.indexer.sync();
    const results = await Promise.all(Array.from({ length: 8 }, () => h.withSession(app, token, "/v1/access/data", { citizen: c2, scopes: String(ADDRESS), purpose: P })));
    const codes = results.map((r) => (r.statusCode === 200 ? "ALLOWED" : r.json().code)).sort();
    expect(codes).toEqual(["ALLOWED", "ALLOWED", "ALLOWED", ...Array(5).fill("USE_LIMIT_REACHED")]);
  });

  it("allows access under a statutory grant and says so", async () => {
    const now = await h.f.now();
    await (await h.f.contracts.consentRegistry.connect(h.f.accounts.governor).grantStatutory(citizen, h.f.accounts.agency.address, INCOME, TAX, code("tax-act-7"), now - 5, now + 3600)).wait();
    await h.indexer.sync();
    const grantId = h.indexer.statutoryForCitizen(citizen)[0].grantId;
    const res = await h.withSession(app, token, "/v1/access/data", body({ purpose: TAX, scopes: String(INCOME), grantId }));
    expect(res.statusCode).toBe(200);
    expect(res.json().basis).toBe("statutory");
    expect((await h.accessLog.get(res.json().receipt.seq))!.basis).toBe("statutory");
    const auditor = await h.login(app, h.keys.auditor);
    const traced = await app.inject({ method: "GET", url: `/v1/audit/accesses?citizen=${citizen}&purpose=${TAX}`, headers: { authorization: `Bearer ${auditor}` } });
    expect(traced.json().records.find((r: { seq: number }) => r.seq === res.json().receipt.seq)).toMatchObject({ basis: "statutory", legalBasis: code("tax-act-7") });
  });

  it("answers predicates with a signed yes/no and no data", async () => {
    const ask = (predicate: Record<string, unknown>, scopes: bigint) => h.withSession(app, token, "/v1/access/predicate", { citizen, scopes: String(scopes), purpose: P, predicate });
    const adult = await ask({ type: "ageAtLeast", years: 18 }, BIRTH);
    expect(adult.statusCode).toBe(200);
    const out = adult.json();
    expect(out.result).toBe(true);
    expect(JSON.stringify(out)).not.toContain("1990");
    const domain = { name: "IMI Gateway", version: "1", chainId: Number(h.f.chainId) };
    const signer = verifyTypedData(domain, { PredicateAnswer: [...predicateAnswerTypes.PredicateAnswer] }, { ...out.answer, seq: BigInt(out.answer.seq) }, out.signature);
    expect(signer).toBe(h.gatewayAccount.address);
    expect(recoverPredicateAnswerSigner(Number(h.f.chainId), out.answer, out.signature)).toBe(h.gatewayAccount.address);
    expect(recoverPredicateAnswerSigner(Number(h.f.chainId), { ...out.answer, result: !out.answer.result }, out.signature)).not.toBe(h.gatewayAccount.address);
    expect((await ask({ type: "ageAtLeast", years: 60 }, BIRTH)).json().result).toBe(false);
    expect((await ask({ type: "residentOf", district: "Haidian" }, ADDRESS)).json().result).toBe(true);
    expect((await ask({ type: "residentOf", district: "Chaoyang" }, ADDRESS)).json().result).toBe(false);
    const mismatch = await ask({ type: "ageAtLeast", years: 18 }, ADDRESS);
    expect(mismatch.json().code).toBe("SCOPE_MISMATCH");
    const unknownPredicate = await ask({ type: "richerThan", amount: 1 }, BIRTH);
    expect(unknownPredicate.json().code).toBe("INVALID_REQUEST");
    const notCovered = await ask({ type: "hasValidCredential", schemaId: randomId() }, 1n << 7n);
    expect(notCovered.statusCode).toBe(403);
    expect(notCovered.json().code).toBe("SCOPE_NOT_COVERED");
    expect((await h.accessLog.get(notCovered.json().receipt.seq))!.kind).toBe("predicate");
  });

  it("refuses an access as soon as the revocation's block is indexed", async () => {
    const key = localKeyOf(h.f.accounts.others[0].address);
    const nonce = await h.f.contracts.consentRegistry.nonces(key.address);
    const deadline = (await h.f.now()) + 600;
    const typed = revokeConsentTypedData({ chainId: h.f.chainId, verifyingContract: h.contracts.consentRegistry as `0x${string}`, consentId: consentId as `0x${string}`, nonce, deadline });
    const res = await app.inject({
      method: "POST",
      url: `/v1/consents/${consentId}/revoke`,
      payload: { authorization: { signer: key.address, deadline: String(deadline), signature: key.signTypedData(typed) } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe("revoked");
    expect(h.indexer.status().indexedBlock).toBeGreaterThanOrEqual(res.json().blockNumber);
    const after = await h.withSession(app, token, "/v1/access/data", body());
    expect(after.statusCode).toBe(403);
    expect(after.json().code).toBe("CONSENT_REVOKED");
    // A replayed revocation is refused by the contract (nonce used): a coded 422, nothing relayed.
    const again = await app.inject({
      method: "POST",
      url: `/v1/consents/${consentId}/revoke`,
      payload: { authorization: { signer: key.address, deadline: String(deadline), signature: key.signTypedData(typed) } },
    });
    expect(again.statusCode).toBe(422);
    expect(again.json().code).toBe("CHAIN_REFUSED");
  });

  it("never lets a request through without its nonce being durable: replays fail after a restart too", async () => {
    const nonce = randomId();
    const first = await h.signed(app, h.keys.agency, "/v1/access/predicate", { citizen, scopes: String(ADDRESS), purpose: P, predicate: { type: "residentOf", district: "Haidian" } }, { nonce: nonce as `0x${string}` });
    expect(first.statusCode).toBe(403); // consent revoked above; still a fresh, logged request
    const reopened = await h.reopenNonces();
    const app2 = await h.app({}, { nonces: reopened });
    const replay = await h.signed(app2, h.keys.agency, "/v1/access/predicate", { citizen, scopes: String(ADDRESS), purpose: P, predicate: { type: "residentOf", district: "Haidian" } }, { nonce: nonce as `0x${string}` });
    expect(replay.statusCode).toBe(409);
    expect(replay.json().code).toBe("NONCE_REUSED");
  });
});
