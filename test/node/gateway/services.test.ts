import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { pino } from "pino";
import { Transaction, ZeroHash, parseEther } from "ethers";
import type { FastifyInstance } from "fastify";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { signAgencyLogin } from "@imi-ledger/sdk";
import { signIdentityProof } from "@imi-ledger/sdk";
import { issueCredential, presentCredential } from "@imi-ledger/sdk";
import { privateKeyToAccount } from "@imi-ledger/sdk";
import { recordCommitment } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { code, grantConsent, randomId, registerCitizen } from "../indexer/helpers.js";
import { AUDIENCE, createHarness, localKeyOf, type Harness } from "./harness.js";

const P = code("social-benefits");
const ADDRESS = 1n << 2n;

describe("gateway: login, identity, credentials, citizens, auditors, registrars", () => {
  let h: Harness;
  let app: FastifyInstance;
  let agencyToken: string;
  let citizen: string;
  let ward: string;
  const citizenKey = () => localKeyOf(h.f.accounts.others[2].address);
  const guardianKey = () => localKeyOf(h.f.accounts.others[3].address);

  beforeAll(async () => {
    h = await createHarness();
    const { f } = h;
    citizen = await registerCitizen(f, f.accounts.others[2], 3);
    ward = await registerCitizen(f, f.accounts.others[4], 1);
    await (await f.contracts.identityRegistry.connect(f.accounts.others[4]).addGuardian(ward, f.accounts.others[3].address, 0b1111n, (await f.now()) + 86_400)).wait();
    await h.vault.put(citizen, { address: { district: "Haidian" } });
    await grantConsent(f, f.accounts.others[2], { citizen, agency: f.accounts.agency.address, scopes: ADDRESS, purpose: P });
    await h.indexer.sync();
    app = await h.app();
    agencyToken = await h.login(app, h.keys.agency);
  });
  afterAll(async () => h?.close());

  const now = () => Math.floor(h.now() / 1000);

  it("logs one line per request, naming the route pattern and never the citizen in the path or body", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(...String(chunk).trim().split("\n")), cb()) });
    const logged = await h.app({}, { logger: pino({ level: "info" }, sink) });
    await logged.inject({ method: "DELETE", url: `/v1/registrar/citizens/${citizen}/record` });
    await h.withSession(logged, await h.login(logged, h.keys.agency), "/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: P });
    const completed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "request completed");
    expect(completed.map((l) => [l.method, l.route, l.status])).toEqual([
      ["DELETE", "/v1/registrar/citizens/:citizen/record", 401],
      ["POST", "/v1/auth/login", 200],
      ["POST", "/v1/access/data", 200],
    ]);
    expect(lines.filter((l) => l.includes("incoming request"))).toEqual([]);
    expect(lines.join("\n").toLowerCase()).not.toContain(citizen.slice(2).toLowerCase());
  });

  describe("staff login", () => {
    const login = (payload: unknown) => app.inject({ method: "POST", url: "/v1/auth/login", payload: payload as Record<string, unknown> });

    it("opens a session for a key holding a role, listing its roles", async () => {
      const res = await login(signAgencyLogin(h.keys.auditor, { chainId: h.f.chainId, gateway: h.gatewayAccount.address, audience: AUDIENCE, issuedAt: now() }));
      expect(res.statusCode).toBe(200);
      expect(res.json().roles).toEqual(["auditor"]);
    });

    it("refuses bad signatures, other audiences, replays, no role, expired and too-long logins", async () => {
      const good = signAgencyLogin(h.keys.agency, { chainId: h.f.chainId, gateway: h.gatewayAccount.address, audience: AUDIENCE, issuedAt: now() });
      const forged = { ...good, message: { ...good.message, agency: h.keys.agency2.address } };
      expect((await login(forged)).json().code).toBe("BAD_SIGNATURE");
      expect((await login(signAgencyLogin(h.keys.agency, { chainId: h.f.chainId, gateway: h.gatewayAccount.address, audience: "https://elsewhere.example", issuedAt: now() }))).json().code).toBe("WRONG_AUDIENCE");
      expect((await login(good)).statusCode).toBe(200);
      const replay = await login(good);
      expect(replay.statusCode).toBe(409);
      expect(replay.json().code).toBe("NONCE_REUSED");
      expect((await login(signAgencyLogin(h.keys.outsider, { chainId: h.f.chainId, gateway: h.gatewayAccount.address, audience: AUDIENCE, issuedAt: now() }))).json().code).toBe("NO_ROLE");
      expect((await login(signAgencyLogin(h.keys.agency, { chainId: h.f.chainId, gateway: h.gatewayAccount.address, audience: AUDIENCE, issuedAt: now() - 4000, expiresAt: now() - 3000 }))).json().code).toBe("STALE_LOGIN");
      expect((await login(signAgencyLogin(h.keys.agency, { chainId: h.f.chainId, gateway: h.gatewayAccount.address, audience: AUDIENCE, issuedAt: now(), expiresAt: now() + 86_400 }))).json().code).toBe("SESSION_TOO_LONG");
      expect((await login(signAgencyLogin(h.keys.agency, { chainId: 1, gateway: h.gatewayAccount.address, audience: AUDIENCE, issuedAt: now() }))).json().code).toBe("BAD_SIGNATURE");
      expect((await login({ ...good, extra: true })).json().code).toBe("INVALID_REQUEST");
      expect((await login({ message: { ...good.message, issuedAt: 5 }, signature: good.signature })).json().code).toBe("INVALID_REQUEST");
    });

    it("refuses a session once it has expired", async () => {
      const res = await login(signAgencyLogin(h.keys.agency, { chainId: h.f.chainId, gateway: h.gatewayAccount.address, audience: AUDIENCE, issuedAt: now(), expiresAt: now() + 60 }));
      const token = res.json().token as string;
      const challenge = () => app.inject({ method: "POST", url: "/v1/identity/challenge", headers: { authorization: `Bearer ${token}` } });
      expect((await challenge()).statusCode).toBe(200);
      h.shiftClock(61_000);
      try {
        const expired = await challenge();
        expect(expired.statusCode).toBe(401);
        expect(expired.json().code).toBe("SESSION_EXPIRED");
      } finally {
        h.shiftClock(-61_000);
      }
    });

    it("drops sessions when the role is revoked on chain", async () => {
      const token = await h.login(app, h.keys.agency2);
      const challenge = () => app.inject({ method: "POST", url: "/v1/identity/challenge", headers: { authorization: `Bearer ${token}` } });
      expect((await challenge()).statusCode).toBe(200);
      await (await h.f.contracts.accessManager.connect(h.f.accounts.governor).revokeRole(3n, h.f.accounts.agency2.address)).wait();
      await h.indexer.sync();
      const refused = await challenge();
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe("ROLE_NOT_HELD");
    });
  });

  describe("identity verification without an ID card", () => {
    async function challenge(): Promise<Hex> {
      const res = await app.inject({ method: "POST", url: "/v1/identity/challenge", headers: { authorization: `Bearer ${agencyToken}` } });
      expect(res.json().audience).toBe(AUDIENCE);
      return res.json().challenge;
    }
    const verify = (payload: unknown) => app.inject({ method: "POST", url: "/v1/identity/verify", headers: { authorization: `Bearer ${agencyToken}` }, payload: payload as Record<string, unknown> });

    it("confirms the controller with its assurance level, and logs it", async () => {
      const proof = signIdentityProof(citizenKey(), { chainId: h.f.chainId, citizen: citizen as Hex, audience: AUDIENCE, challenge: await challenge(), issuedAt: now() });
      const res = await verify(proof);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ verified: true, reason: "IDENTITY_VERIFIED", asGuardian: false, level: 3 });
      expect(await h.accessLog.get(res.json().receipt.seq)).toMatchObject({ kind: "identity", decision: "allowed" });
      const again = await verify(proof);
      expect(again.json()).toMatchObject({ verified: false, reason: "UNKNOWN_CHALLENGE" });
    });

    it("reports a guardian as a guardian", async () => {
      const proof = signIdentityProof(guardianKey(), { chainId: h.f.chainId, citizen: ward as Hex, audience: AUDIENCE, challenge: await challenge(), issuedAt: now() });
      expect((await verify(proof)).json()).toMatchObject({ verified: true, reason: "GUARDIAN_VERIFIED", asGuardian: true, level: 1 });
    });

    it("refuses other keys, forged signatures and other audiences", async () => {
      const other = signIdentityProof(guardianKey(), { chainId: h.f.chainId, citizen: citizen as Hex, audience: AUDIENCE, challenge: await challenge(), issuedAt: now() });
      expect((await verify(other)).json()).toMatchObject({ verified: false, reason: "NOT_CONTROLLER" });
      const p = signIdentityProof(guardianKey(), { chainId: h.f.chainId, citizen: citizen as Hex, audience: AUDIENCE, challenge: await challenge(), issuedAt: now() });
      const forged = { ...p, message: { ...p.message, controller: citizenKey().address } };
      expect((await verify(forged)).json()).toMatchObject({ verified: false, reason: "BAD_SIGNATURE" });
      const elsewhere = signIdentityProof(citizenKey(), { chainId: h.f.chainId, citizen: citizen as Hex, audience: "https://elsewhere.example", challenge: await challenge(), issuedAt: now() });
      expect((await verify(elsewhere)).json()).toMatchObject({ verified: false, reason: "WRONG_AUDIENCE" });
      const unknown = signIdentityProof(citizenKey(), { chainId: h.f.chainId, citizen: randomId() as Hex, audience: AUDIENCE, challenge: await challenge(), issuedAt: now() });
      expect((await verify(unknown)).json()).toMatchObject({ verified: false, reason: "UNKNOWN_CITIZEN" });
    });
  });

  describe("citizens", () => {
    async function citizenLogin(key = citizenKey(), who = citizen) {
      const c = (await app.inject({ method: "POST", url: "/v1/auth/challenge" })).json();
      return app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: signIdentityProof(key, { chainId: h.f.chainId, citizen: who as Hex, audience: c.audience, challenge: c.challenge, issuedAt: now() }) });
    }

    it("see their own consents and every access to their data", async () => {
      await h.withSession(app, agencyToken, "/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: P });
      await h.withSession(app, agencyToken, "/v1/access/data", { citizen, scopes: String(1n), purpose: P });
      const res = await citizenLogin();
      expect(res.statusCode).toBe(200);
      const token = res.json().token;
      const consents = await app.inject({ method: "GET", url: "/v1/citizen/consents", headers: { authorization: `Bearer ${token}` } });
      expect(consents.json().consents).toHaveLength(1);
      expect(consents.json().consents[0]).toMatchObject({ status: "active", scopes: String(ADDRESS) });
      const accesses = await app.inject({ method: "GET", url: "/v1/citizen/accesses?limit=50", headers: { authorization: `Bearer ${token}` } });
      const records = accesses.json().records as Array<{ citizen: string; decision: string }>;
      expect(records.length).toBeGreaterThanOrEqual(3);
      expect(new Set(records.map((r) => r.citizen))).toEqual(new Set([citizen.toLowerCase()]));
      expect(records.map((r) => r.decision)).toContain("denied");
    });

    it("log in as guardians for their wards, and not with someone else's key", async () => {
      expect((await citizenLogin(guardianKey(), ward)).json()).toMatchObject({ asGuardian: true, citizen: ward.toLowerCase() });
      expect((await citizenLogin(guardianKey(), citizen)).json().code).toBe("NOT_CONTROLLER");
    });

    it("cannot log in with an identity-verification challenge, and staff tokens cannot read citizen views", async () => {
      const c = (await app.inject({ method: "POST", url: "/v1/identity/challenge", headers: { authorization: `Bearer ${agencyToken}` } })).json();
      const res = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: signIdentityProof(citizenKey(), { chainId: h.f.chainId, citizen: citizen as Hex, audience: AUDIENCE, challenge: c.challenge, issuedAt: now() }) });
      expect(res.json().code).toBe("UNKNOWN_CHALLENGE");
      const staff = await app.inject({ method: "GET", url: "/v1/citizen/consents", headers: { authorization: `Bearer ${agencyToken}` } });
      expect(staff.json().code).toBe("WRONG_ROLE");
    });
  });

  describe("agencies", () => {
    it("list the consents granted to them, and only theirs", async () => {
      const res = await app.inject({ method: "GET", url: "/v1/agency/consents", headers: { authorization: `Bearer ${agencyToken}` } });
      expect(res.statusCode).toBe(200);
      const consents = res.json().consents as Array<{ agency: string; citizen: string; status: string }>;
      expect(consents.length).toBeGreaterThan(0);
      expect(consents.every((c) => c.agency === h.f.accounts.agency.address.toLowerCase())).toBe(true);
      expect(consents.some((c) => c.citizen === citizen.toLowerCase() && c.status === "active")).toBe(true);
    });

    it("page their consents and the citizen's with ?limit=&cursor= and a next cursor (was: every consent in one answer)", async () => {
      const { f } = h;
      for (let i = 0; i < 4; i++) await grantConsent(f, f.accounts.others[2], { citizen, agency: f.accounts.agency.address, scopes: BigInt(1 + i), purpose: code(`paging-${i}`) });
      await h.indexer.sync();
      const walk = async (url: string, token: string) => {
        const ids: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 50; pages++) {
          const res = await app.inject({ method: "GET", url: `${url}?limit=2${cursor ? `&cursor=${cursor}` : ""}`, headers: { authorization: `Bearer ${token}` } });
          expect(res.statusCode).toBe(200);
          const body = res.json() as { consents: Array<{ consentId: string }>; next?: string };
          expect(body.consents.length).toBeLessThanOrEqual(2);
          ids.push(...body.consents.map((c) => c.consentId));
          if (!body.next) return { ids, pages: pages + 1 };
          cursor = body.next;
        }
        throw new Error("no last page");
      };
      const all = async (url: string, token: string) =>
        ((await app.inject({ method: "GET", url: `${url}?limit=1000`, headers: { authorization: `Bearer ${token}` } })).json().consents as Array<{ consentId: string }>).map((c) => c.consentId);

      const agencyPages = await walk("/v1/agency/consents", agencyToken);
      expect(agencyPages.pages).toBeGreaterThanOrEqual(3);
      expect(agencyPages.ids).toEqual(await all("/v1/agency/consents", agencyToken));
      expect(new Set(agencyPages.ids).size).toBe(agencyPages.ids.length);

      const c = (await app.inject({ method: "POST", url: "/v1/auth/challenge" })).json();
      const citizenToken = (await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: signIdentityProof(citizenKey(), { chainId: f.chainId, citizen: citizen as Hex, audience: c.audience, challenge: c.challenge, issuedAt: now() }) })).json().token as string;
      const citizenPages = await walk("/v1/citizen/consents", citizenToken);
      expect(citizenPages.ids.length).toBeGreaterThanOrEqual(5);
      expect(citizenPages.ids).toEqual(await all("/v1/citizen/consents", citizenToken));

      for (const bad of ["limit=0", "limit=10000", "cursor=abc", "cursor=1-2-3", "after=1"]) {
        const res = await app.inject({ method: "GET", url: `/v1/agency/consents?${bad}`, headers: { authorization: `Bearer ${agencyToken}` } });
        expect(res.statusCode, bad).toBe(400);
      }
    });
  });

  describe("auditors", () => {
    it("trace by citizen and agency; other roles may not", async () => {
      const token = await h.login(app, h.keys.auditor);
      const res = await app.inject({ method: "GET", url: `/v1/audit/accesses?citizen=${citizen}&agency=${h.f.accounts.agency.address}`, headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      expect(res.json().records.length).toBeGreaterThan(0);
      const agency = await app.inject({ method: "GET", url: "/v1/audit/accesses", headers: { authorization: `Bearer ${agencyToken}` } });
      expect(agency.json().code).toBe("ROLE_NOT_HELD");
      const bad = await app.inject({ method: "GET", url: "/v1/audit/accesses?limit=lots", headers: { authorization: `Bearer ${token}` } });
      expect(bad.json().code).toBe("INVALID_REQUEST");
    });
  });

  describe("credentials", () => {
    it("verify a presented credential with one disclosed claim, then see it revoked", async () => {
      const { f } = h;
      const schemaId = randomId();
      await (await f.contracts.credentialRegistry.connect(f.accounts.governor).registerSchema(schemaId, "residence", "1")).wait();
      await (await f.contracts.credentialRegistry.connect(f.accounts.governor).setIssuerTrust(schemaId, f.accounts.issuer.address, true)).wait();
      const issued = issueCredential(h.keys.issuer, { chainId: f.chainId, schemaId: schemaId as Hex, subject: citizen as Hex, claims: { district: "Haidian", since: "2015-01-01" } });
      await (await f.contracts.credentialRegistry.connect(f.accounts.issuer).anchor(issued.credentialHash, schemaId, citizen, 0, 0)).wait();
      await h.indexer.sync();
      const verify = (presentation: unknown) => app.inject({ method: "POST", url: "/v1/credentials/verify", headers: { authorization: `Bearer ${agencyToken}` }, payload: { presentation } as Record<string, unknown> });
      const ok = await verify(presentCredential(issued, ["district"]));
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ valid: true, status: "valid", claims: { district: "Haidian" }, problems: [] });
      expect(await h.accessLog.get(ok.json().receipt.seq)).toMatchObject({ kind: "credential", decision: "allowed" });
      const forgedClaim = presentCredential(issued, ["district"]);
      forgedClaim.disclosures[0] = { ...forgedClaim.disclosures[0], value: "Chaoyang" };
      expect((await verify(forgedClaim)).json().problems).toContain("undisclosedClaim");
      const selfIssued = issueCredential(h.keys.outsider, { chainId: f.chainId, schemaId: schemaId as Hex, subject: citizen as Hex, claims: { district: "Haidian" } });
      expect((await verify(presentCredential(selfIssued, []))).json().problems).toEqual(expect.arrayContaining(["untrustedIssuer", "notAnchoredByIssuer", "unknown"]));
      // The predicate route sees the same credential through the index.
      await grantConsent(f, f.accounts.others[2], { citizen, agency: f.accounts.agency.address, scopes: 1n << 7n, purpose: code("residence-check") });
      await h.indexer.sync();
      const pred = await h.withSession(app, agencyToken, "/v1/access/predicate", { citizen, scopes: String(1n << 7n), purpose: code("residence-check"), predicate: { type: "hasValidCredential", schemaId } });
      expect(pred.json().result).toBe(true);
      await (await f.contracts.credentialRegistry.connect(f.accounts.issuer).revoke(issued.credentialHash, 3)).wait();
      await h.indexer.sync();
      expect((await verify(presentCredential(issued, ["district"]))).json()).toMatchObject({ valid: false, status: "revoked" });
      const after = await h.withSession(app, agencyToken, "/v1/access/predicate", { citizen, scopes: String(1n << 7n), purpose: code("residence-check"), predicate: { type: "hasValidCredential", schemaId } });
      expect(after.json().result).toBe(false);
    });
  });

  describe("batched credentials", () => {
    it("verify with an inclusion proof against an anchored batch, and follow one credential's suspension", async () => {
      const { f } = h;
      const schemaId = randomId();
      await (await f.contracts.credentialRegistry.connect(f.accounts.governor).registerSchema(schemaId, "senior-card", "1")).wait();
      await (await f.contracts.credentialRegistry.connect(f.accounts.governor).setIssuerTrust(schemaId, f.accounts.issuer.address, true)).wait();
      const issued = Array.from({ length: 5 }, (_, i) => issueCredential(h.keys.issuer, { chainId: f.chainId, schemaId: schemaId as Hex, subject: citizen as Hex, claims: { card: `S-${i}` } }));
      const tree = StandardMerkleTree.of(issued.map((c) => [c.credentialHash]), ["bytes32"]);
      await (await f.contracts.credentialRegistry.connect(f.accounts.issuer).anchorBatch(tree.root, issued.length, schemaId, 0, 0)).wait();
      await h.indexer.sync();
      const verify = (presentation: unknown) => app.inject({ method: "POST", url: "/v1/credentials/verify", headers: { authorization: `Bearer ${agencyToken}` }, payload: { presentation } as Record<string, unknown> });
      const present = (i: number, proof = tree.getProof(i)) => ({ ...presentCredential(issued[i], ["card"]), batch: { root: tree.root as Hex, proof: proof as Hex[] } });
      expect((await verify(present(2))).json()).toMatchObject({ valid: true, status: "valid", claims: { card: "S-2" } });
      expect((await verify(present(2, tree.getProof(3)))).json()).toMatchObject({ valid: false, status: "unknown" });
      await (await f.contracts.credentialRegistry.connect(f.accounts.issuer).setBatchedStatus(tree.root, issued[2].credentialHash, tree.getProof(2), 2, 7)).wait();
      await h.indexer.sync();
      expect((await verify(present(2))).json()).toMatchObject({ valid: false, status: "suspended" });
      expect((await verify(present(1))).json()).toMatchObject({ valid: true });
      // The same hash anchored singly is a record of its own, on chain and in the index: the batched
      // one stays suspended (it once blocked the batch's status changes instead).
      await (await f.contracts.credentialRegistry.connect(f.accounts.issuer).anchor(issued[2].credentialHash, schemaId, citizen, 0, 0)).wait();
      await h.indexer.sync();
      expect((await verify(present(2))).json()).toMatchObject({ valid: false, status: "suspended" });
      expect((await verify(presentCredential(issued[2], ["card"]))).json()).toMatchObject({ valid: true, status: "valid" });
    });
  });

  describe("registrars", () => {
    async function registrationTx(p: { citizen: string; controller: string; commitment: string; level: number; gasLimit?: bigint }) {
      const { f } = h;
      const data = f.contracts.identityRegistry.interface.encodeFunctionData("register", [p.citizen, p.controller, p.commitment, p.level]);
      const nonce = await f.ethers.provider.getTransactionCount(f.accounts.registrar.address, "pending");
      const tx = Transaction.from({ type: 0, chainId: f.chainId, nonce, gasLimit: p.gasLimit ?? 500_000n, gasPrice: parseEther("0.00000005"), to: h.contracts.identityRegistry, data, value: 0n });
      tx.signature = h.keys.registrar.signDigest(tx.unsignedHash as Hex);
      return tx.serialized;
    }

    it("registers a citizen on chain and in the vault in one step", async () => {
      const token = await h.login(app, h.keys.registrar);
      const newCitizen = randomId();
      const controller = privateKeyToAccount(`0x${randomBytes(32).toString("hex")}` as Hex).address;
      const record = { identity: { name: "Wang Fang" }, birth: { birthDate: "2008-02-29" } };
      const salt = randomId() as Hex;
      const commitment = recordCommitment(record, salt);
      const send = (over: Record<string, unknown> = {}, tx?: string) =>
        registrationTx({ citizen: newCitizen, controller, commitment, level: 2 }).then((signedTransaction) =>
          app.inject({ method: "POST", url: "/v1/registrar/citizens", headers: { authorization: `Bearer ${token}` }, payload: { citizen: newCitizen, controller, level: 2, salt, record, signedTransaction: tx ?? signedTransaction, ...over } }),
        );
      // A record that does not match the signed commitment changes nothing.
      const mismatch = await send({ record: { ...record, birth: { birthDate: "2000-01-01" } } });
      expect(mismatch.json().code).toBe("TRANSACTION_MISMATCH");
      expect(await h.vault.get(newCitizen)).toBeUndefined();
      // A transaction the chain reverts (out of gas) leaves no record behind.
      const starved = await registrationTx({ citizen: newCitizen, controller, commitment, level: 2, gasLimit: 30_000n });
      const reverted = await send({}, starved);
      expect(reverted.statusCode).toBe(422);
      expect(reverted.json().code).toBe("CHAIN_REFUSED");
      expect(await h.vault.get(newCitizen)).toBeUndefined();
      const res = await send();
      expect(res.statusCode).toBe(201);
      expect(res.json().commitment).toBe(commitment.toLowerCase());
      expect(await h.vault.get(newCitizen)).toEqual(record);
      expect(h.indexer.identity(newCitizen)).toMatchObject({ controller: controller.toLowerCase(), level: 2 });
      const again = await send();
      expect(again.json().code).toBe("CITIZEN_EXISTS");
      const erase = await app.inject({ method: "DELETE", url: `/v1/registrar/citizens/${newCitizen}/record`, headers: { authorization: `Bearer ${token}` } });
      expect(erase.json()).toEqual({ erased: true });
      expect(await h.vault.get(newCitizen)).toBeUndefined();
      const byAgency = await app.inject({ method: "POST", url: "/v1/registrar/citizens", headers: { authorization: `Bearer ${agencyToken}` }, payload: { citizen: newCitizen, controller, level: 2, salt, record, signedTransaction: "0x00" } });
      expect(byAgency.json().code).toBe("ROLE_NOT_HELD");
    });
  });

  describe("operations", () => {
    it("serves health, readiness, metrics and the OpenAPI document", async () => {
      expect((await app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
      await h.indexer.sync();
      expect((await app.inject({ method: "GET", url: "/readyz" })).json().ready).toBe(true);
      const metrics = await app.inject({ method: "GET", url: "/metrics" });
      expect(metrics.body).toContain("imi_gateway_accesses_total");
      const spec = (await app.inject({ method: "GET", url: "/docs/json" })).json();
      for (const path of ["/v1/access/data", "/v1/access/predicate", "/v1/identity/verify", "/v1/credentials/verify", "/v1/consents", "/v1/citizen/accesses", "/v1/audit/accesses", "/v1/registrar/citizens", "/v1/auth/login"])
        expect(Object.keys(spec.paths)).toContain(path);
      expect((await app.inject({ method: "GET", url: "/docs" })).statusCode).toBeLessThan(400);
      // Schema-first: every operation documents a success response; every POST with input a body schema.
      for (const [path, ops] of Object.entries(spec.paths as Record<string, Record<string, { responses?: Record<string, unknown>; requestBody?: unknown }>>)) {
        if (path.startsWith("/docs")) continue;
        for (const [method, op] of Object.entries(ops)) {
          expect(Object.keys(op.responses ?? {}).some((code) => /^2/.test(code)), `${method} ${path}`).toBe(true);
          // A challenge, and an action on one resource named in the path (decline a service), take no body.
          if (method === "post" && !/challenge$/.test(path) && !/\{[a-zA-Z]+\}\/[a-z]+$/.test(path)) expect(op.requestBody, `${method} ${path}`).toBeDefined();
        }
      }
      // Unknown API paths are coded 404s; other paths belong to the web app when it is built (its own test).
      expect((await app.inject({ method: "GET", url: "/v1/nope" })).json().code).toBe("NOT_FOUND");
    });

    it("limits requests per caller", async () => {
      const limited = await h.app({ rateLimitPerMinute: 2 });
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await limited.inject({ method: "POST", url: "/v1/auth/challenge" })).statusCode);
      expect(codes).toEqual([200, 200, 429]);
      expect((await limited.inject({ method: "POST", url: "/v1/auth/challenge" })).json().code).toBe("RATE_LIMITED");
    });
  });

  it("keeps ZeroHash out of consent ids", () => {
    expect(h.indexer.consentsOfCitizen(citizen).every((c) => c.consentId !== ZeroHash)).toBe(true);
  });
});
