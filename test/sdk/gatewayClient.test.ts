// The SDK's gateway client against the real gateway listening on 127.0.0.1, over a real chain
// (Hardhat's in-process network), index, vault and access log: every client call, typed errors
// with the gateway's codes, the JSON forms of bigints and times, paging and the live stream.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Fastify, { type FastifyInstance } from "fastify";
import swagger from "@fastify/swagger";
import { Wallet } from "ethers";
import {
  GatewayAccessDeniedError,
  GatewayError,
  GatewayRefusedError,
  GatewayUnauthorizedError,
  createGatewayClient,
  createImiClient,
  gatewayClientMethods,
  gatewayRoutes,
  identityRegistryAbi,
  issueCredential,
  presentCredential,
  randomBytes32,
  recordCommitment,
  signAddGuardian,
  signCancelRecovery,
  signIdentityProof,
  signRemoveGuardian,
  signRotateKey,
  signGrantConsent,
  signPauseConsent,
  signResumeConsent,
  signRevokeConsent,
  type AccessRecordJson,
  type GatewayClient,
  type Hex,
  type ImiClient,
} from "@imi-ledger/sdk";
import { Interface } from "ethers";
import { Anchorer, createAnchorTarget } from "../../node/accesslog/index.js";
import { code, grantConsent, registerCitizen, transportOf } from "../node/indexer/helpers.js";
import { createHarness, localKeyOf, type Harness } from "../node/gateway/harness.js";
import { caught } from "./fixture.js";

const P = code("social-benefits");
const ADDRESS = 1n << 2n;
const INCOME = 1n << 5n;

describe("gateway client", () => {
  let h: Harness;
  let app: FastifyInstance;
  let url: string;
  let citizen: Hex;
  let citizenKey: ReturnType<typeof localKeyOf>;
  /** The citizen's own chain client: signs the consent actions the gateway relays. */
  let wallet: ImiClient;
  let agencyToken: string;
  const record = { identity: { name: "Li Na" }, birth: { birthDate: "1990-06-01" }, address: { district: "Haidian", street: "1 Example Road" }, income: { yearly: 52000 } };

  beforeAll(async () => {
    h = await createHarness();
    const { f } = h;
    citizen = (await registerCitizen(f, f.accounts.others[3])) as Hex;
    citizenKey = localKeyOf(f.accounts.others[3].address);
    await h.vault.put(citizen, record);
    await h.indexer.sync();
    app = await h.app();
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    wallet = createImiClient({ rpc: transportOf(f), deployment: h.deployment, account: citizenKey });
    agencyToken = await h.login(app, h.keys.agency);
  });
  afterAll(async () => h?.close());

  /** An agency reads the citizen's address (through the harness: the agency side has its own tests below). */
  const agencyReads = () => h.withSession(app, agencyToken, "/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: P });
  const now = async () => BigInt(await h.f.now());

  describe("citizen routes", () => {
    let gw: GatewayClient;
    let consentId: Hex;

    it("logs a citizen in and keeps the session for the calls after it", async () => {
      gw = createGatewayClient({ url });
      const session = await gw.loginCitizen({ signer: citizenKey, citizen });
      expect(session).toMatchObject({ citizen: citizen.toLowerCase(), asGuardian: false, level: 2 });
      expect(session.account.toLowerCase()).toBe(citizenKey.address.toLowerCase());
      expect(gw.token).toBe(session.token);
      expect(await gw.getCitizenConsents()).toEqual({ citizen: citizen.toLowerCase(), consents: [], statutory: [] });
    });

    it("relays a signed grant with bigint scopes and times: the body carries decimal strings (regression: BigInt in JSON, validFrom as a number)", async () => {
      const t = await now();
      const request = { citizen, agency: h.f.accounts.agency.address as Hex, scopes: ADDRESS | INCOME, purpose: P as Hex, validFrom: t - 10n, validUntil: t + 86_400n, maxUses: 0n };
      const signed = await signGrantConsent(wallet, { request });
      const bodies: string[] = [];
      const spy = createGatewayClient({
        url,
        fetch: (input, init) => {
          if (typeof init?.body === "string") bodies.push(init.body);
          return fetch(input, init);
        },
      });
      const relayed = await spy.relayGrantConsent({ request, authorization: signed.authorization });
      expect(relayed).toMatchObject({ status: "active", blockNumber: expect.any(Number) });
      expect(relayed.consentId).toMatch(/^0x[0-9a-f]{64}$/);
      consentId = relayed.consentId as Hex;
      const sent = JSON.parse(bodies[0]);
      expect(sent.request).toMatchObject({ scopes: String(ADDRESS | INCOME), validFrom: String(t - 10n), validUntil: String(t + 86_400n), maxUses: 0 });
      expect(sent.authorization.deadline).toBe(String(signed.authorization.deadline));
      const { consents } = await gw.getCitizenConsents();
      expect(consents).toEqual([expect.objectContaining({ consentId, status: "active", scopes: String(ADDRESS | INCOME), validFrom: String(t - 10n) })]);
    });

    it("streams each access to the citizen's data the moment it is logged", async () => {
      const stream = await gw.streamCitizenAccesses();
      const first = (async () => {
        for await (const r of stream) return r;
        return undefined;
      })();
      const res = await agencyReads();
      expect(res.statusCode).toBe(200);
      const seen = (await first) as AccessRecordJson;
      expect(seen).toMatchObject({ seq: res.json().receipt.seq, recordHash: res.json().receipt.recordHash, decision: "allowed", kind: "data", citizen: citizen.toLowerCase() });
      stream.close();
    });

    it("pages through the citizen's accesses", async () => {
      for (let i = 0; i < 4; i++) expect((await agencyReads()).statusCode).toBe(200);
      const all = (await gw.getCitizenAccesses()).records;
      expect(all.length).toBe(5);
      const seqs: number[] = [];
      let afterSeq: number | undefined;
      for (;;) {
        const page = await gw.getCitizenAccesses({ afterSeq, limit: 2 });
        if (page.records.length === 0) break;
        expect(page.records.length).toBeLessThanOrEqual(2);
        seqs.push(...page.records.map((r) => r.seq));
        afterSeq = page.nextAfterSeq;
      }
      expect(seqs).toEqual(all.map((r) => r.seq));
      expect(all[0].proof).toEqual({ status: "unbatched" });
    });

    it("relays pause, resume and revoke, and each takes effect at once", async () => {
      const paused = await gw.relayPauseConsent({ consentId, authorization: (await signPauseConsent(wallet, { consentId })).authorization });
      expect(paused).toMatchObject({ consentId, status: "paused" });
      expect((await agencyReads()).json().code).toBe("CONSENT_PAUSED");
      const resumed = await gw.relayResumeConsent({ consentId, authorization: (await signResumeConsent(wallet, { consentId })).authorization });
      expect(resumed.status).toBe("active");
      expect((await agencyReads()).statusCode).toBe(200);
      const revoked = await gw.relayRevokeConsent({ consentId, authorization: (await signRevokeConsent(wallet, { consentId })).authorization });
      expect(revoked.status).toBe("revoked");
      const denied = await agencyReads();
      expect(denied.statusCode).toBe(403);
      const { consents } = await gw.getCitizenConsents();
      expect(consents[0].status).toBe("revoked");
    });

    it("refusals are typed errors with the gateway's code", async () => {
      const anonymous = createGatewayClient({ url });
      const noSession = await caught(() => anonymous.getCitizenAccesses());
      expect(noSession).toMatchObject({ code: "SESSION_REQUIRED" });
      const badToken = await caught(() => createGatewayClient({ url, token: "nope" }).getCitizenConsents());
      expect(badToken).toBeInstanceOf(GatewayUnauthorizedError);
      expect(badToken).toBeInstanceOf(GatewayError);
      expect(badToken).toMatchObject({ status: 401 });
      // A relayed revoke of a revoked consent: the chain refuses it.
      const again = await caught(async () => gw.relayRevokeConsent({ consentId, authorization: (await signRevokeConsent(wallet, { consentId })).authorization }));
      expect(again).toBeInstanceOf(GatewayRefusedError);
      expect(again).toMatchObject({ code: "CHAIN_REFUSED", status: 422 });
      // A stranger's key cannot log in as the citizen.
      const stranger = await caught(() => anonymous.loginCitizen({ signer: h.keys.outsider, citizen }));
      expect(stranger).toBeInstanceOf(GatewayAccessDeniedError);
      expect(stranger).toMatchObject({ code: "NOT_CONTROLLER", status: 403 });
    });
  });
  describe("agency, auditor, registrar, identity relay and operations routes", () => {
    let agency: GatewayClient;
    let consentId: Hex;

    beforeAll(async () => {
      const { f } = h;
      consentId = (await grantConsent(f, f.accounts.others[3], { citizen, agency: f.accounts.agency.address, scopes: ADDRESS | (1n << 1n), purpose: P })) as Hex;
      await h.indexer.sync();
      agency = createGatewayClient({ url });
      const session = await agency.loginStaff({ signer: h.keys.agency, issuedAt: Math.floor(h.now() / 1000) });
      expect(session.roles).toContain("agency");
    });

    it("reads data with a session and with a per-request signature; a refusal carries the logged receipt", async () => {
      const bySession = await agency.readCitizenData({ citizen, scopes: ADDRESS, purpose: P as Hex });
      expect(bySession).toMatchObject({ data: { address: record.address }, grantId: consentId.toLowerCase(), basis: "consent" });
      const signedOnly = createGatewayClient({ url });
      const bySignature = await signedOnly.readCitizenData({ citizen, scopes: ADDRESS, purpose: P as Hex, signer: h.keys.agency });
      expect(bySignature.data).toEqual({ address: record.address });
      const denied = await caught(() => agency.readCitizenData({ citizen, scopes: INCOME, purpose: P as Hex }));
      expect(denied).toBeInstanceOf(GatewayAccessDeniedError);
      expect(denied).toMatchObject({ code: "SCOPE_NOT_COVERED", status: 403 });
      const receipt = (denied as GatewayAccessDeniedError).receipt!;
      expect(await h.accessLog.get(receipt.seq)).toMatchObject({ decision: "denied", recordHash: receipt.recordHash });
    });

    it("asks a predicate and gets the gateway's signed answer", async () => {
      const answer = await agency.askPredicate({ citizen, scopes: 1n << 1n, purpose: P as Hex, predicate: { type: "ageAtLeast", years: 18 } });
      expect(answer).toMatchObject({ result: true, signer: h.gatewayAccount.address });
      expect(answer.answer.citizen).toBe(citizen.toLowerCase());
      const wrongScope = await caught(() => agency.askPredicate({ citizen, scopes: ADDRESS, purpose: P as Hex, predicate: { type: "ageAtLeast", years: 18 } }));
      expect(wrongScope).toMatchObject({ code: "SCOPE_MISMATCH", status: 400 });
    });

    it("checks a citizen's identity proof over the gateway's challenge, and a presented credential", async () => {
      const { challenge, audience } = await agency.getIdentityChallenge();
      const proof = signIdentityProof(citizenKey, { chainId: h.f.chainId, citizen, audience, challenge });
      expect(await agency.checkIdentityProof({ proof })).toMatchObject({ verified: true, reason: "IDENTITY_VERIFIED", citizen: citizen.toLowerCase(), level: 2 });
      expect(await agency.checkIdentityProof({ proof })).toMatchObject({ verified: false, reason: "UNKNOWN_CHALLENGE" });

      const { f } = h;
      const schemaId = code("residence-credential") as Hex;
      await (await f.contracts.credentialRegistry.connect(f.accounts.governor).registerSchema(schemaId, "residence", "1")).wait();
      await (await f.contracts.credentialRegistry.connect(f.accounts.governor).setIssuerTrust(schemaId, f.accounts.issuer.address, true)).wait();
      const issued = issueCredential(h.keys.issuer, { chainId: f.chainId, schemaId, subject: citizen, claims: { district: "Haidian" } });
      await (await f.contracts.credentialRegistry.connect(f.accounts.issuer).anchor(issued.credentialHash, schemaId, citizen, 0, 0)).wait();
      await h.indexer.sync();
      expect(await agency.checkCredential({ presentation: presentCredential(issued, ["district"]), subject: citizen })).toMatchObject({
        valid: true,
        status: "valid",
        claims: { district: "Haidian" },
        problems: [],
      });
    });

    it("lists the agency's consents", async () => {
      const { consents } = await agency.getAgencyConsents();
      expect(consents).toContainEqual(expect.objectContaining({ consentId, citizen: citizen.toLowerCase(), status: "active" }));
    });

    it("traces accesses for an auditor, a page at a time, and proves a receipt against the chain", async () => {
      const auditor = createGatewayClient({ url });
      await auditor.loginStaff({ signer: h.keys.auditor, issuedAt: Math.floor(h.now() / 1000) });
      const all = (await auditor.getAuditAccesses({ citizen })).records;
      expect(all.length).toBeGreaterThan(3);
      const firstPage = await auditor.getAuditAccesses({ citizen, limit: 2 });
      const secondPage = await auditor.getAuditAccesses({ citizen, limit: 2, afterSeq: firstPage.nextAfterSeq });
      expect([...firstPage.records, ...secondPage.records].map((r) => r.seq)).toEqual(all.slice(0, 4).map((r) => r.seq));
      const notAuditor = await caught(() => agency.getAuditAccesses());
      expect(notAuditor).toBeInstanceOf(GatewayAccessDeniedError);

      const { receipt } = await agency.readCitizenData({ citizen, scopes: ADDRESS, purpose: P as Hex });
      const anyone = createGatewayClient({ url });
      expect(await anyone.getReceipt({ receipt })).toMatchObject({ batched: false, status: "unbatched", record: { seq: receipt.seq } });
      // The gateway account anchors its own log.
      const { f } = h;
      await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(5n, h.gatewayAccount.address, 0)).wait();
      const target = createAnchorTarget({ runner: new Wallet(h.gatewayAccount.exportPrivateKey(), f.ethers.provider), accessLogAddress: h.deployment.contracts.accessLog, gateway: h.gatewayAccount.address });
      const anchorer = new Anchorer(h.accessLog, target, { maxRecords: 1000, intervalMs: 1_000_000 });
      await anchorer.kick();
      await anchorer.stop();
      const chain = createImiClient({ rpc: transportOf(f), deployment: h.deployment });
      const verdict = await anyone.verifyReceipt({ receipt, chain });
      expect(verdict).toMatchObject({ valid: true, receipt: { batched: true, batch: { status: "anchored" } } });
      const forged = await caught(() => anyone.getReceipt({ receipt: { seq: receipt.seq, recordHash: randomBytes32() } }));
      expect(forged).toMatchObject({ code: "NOT_FOUND", status: 404 });
    });

    it("registers a citizen through the registrar routes and erases the record", async () => {
      const { f } = h;
      const registrar = createGatewayClient({ url });
      await registrar.loginStaff({ signer: h.keys.registrar, issuedAt: Math.floor(h.now() / 1000) });
      expect((await registrar.getRegistrarBudget()).registrationsPerMinute).toBeGreaterThan(0);
      const newCitizen = randomBytes32();
      const controller = Wallet.createRandom().address as Hex;
      const salt = randomBytes32();
      const newRecord = { identity: { name: "Wang Fang" } };
      const wallet = new Wallet(h.keys.registrar.exportPrivateKey(), f.ethers.provider);
      const data = new Interface(identityRegistryAbi).encodeFunctionData("register", [newCitizen, controller, recordCommitment(newRecord, salt), 2]);
      const signedTransaction = (await wallet.signTransaction(await wallet.populateTransaction({ to: h.deployment.contracts.identityRegistry, data }))) as Hex;
      const registered = await registrar.registerCitizen({ citizen: newCitizen, controller, level: 2, salt, record: newRecord, signedTransaction });
      expect(registered).toMatchObject({ citizen: newCitizen.toLowerCase(), blockNumber: expect.any(Number) });
      const again = await caught(() => registrar.registerCitizen({ citizen: newCitizen, controller, level: 2, salt, record: newRecord, signedTransaction }));
      expect(again).toBeInstanceOf(GatewayRefusedError);
      expect(again).toMatchObject({ code: "CITIZEN_EXISTS", status: 409 });
      expect(await registrar.eraseCitizenRecord({ citizen: newCitizen })).toEqual({ erased: true });
    });

    it("relays the citizen's signed guardian, key rotation and recovery cancel", async () => {
      const { f } = h;
      const gw = createGatewayClient({ url });
      const guardian = f.accounts.others[5].address as Hex;
      const t = await now();
      const add = await signAddGuardian(wallet, { citizen, guardian, scopes: ADDRESS, expiresAt: t + 86_400n });
      const added = await gw.relayAddGuardian({ citizen, guardian, scopes: ADDRESS, expiresAt: t + 86_400n, authorization: add.authorization });
      expect(added).toMatchObject({ citizen: citizen.toLowerCase(), blockNumber: expect.any(Number) });
      expect(h.indexer.checkIdentityKey(citizen, guardian, 0n, t)).toMatchObject({ isGuardian: true });
      const remove = await signRemoveGuardian(wallet, { citizen, guardian });
      await gw.relayRemoveGuardian({ citizen, guardian, authorization: remove.authorization });
      expect(h.indexer.checkIdentityKey(citizen, guardian, 0n, t)).toMatchObject({ isGuardian: false });

      // A registrar starts a recovery; the controller cancels it by signature.
      const lost = Wallet.createRandom().address;
      await (await f.contracts.identityRegistry.connect(f.accounts.registrar).initiateRecovery(citizen, lost)).wait();
      const cancel = await signCancelRecovery(wallet, { citizen });
      expect(await gw.relayCancelRecovery({ citizen, authorization: cancel.authorization })).toMatchObject({ citizen: citizen.toLowerCase() });
      const none = await caught(async () => gw.relayCancelRecovery({ citizen, authorization: (await signCancelRecovery(wallet, { citizen })).authorization }));
      expect(none).toMatchObject({ code: "CHAIN_REFUSED", status: 422 });

      // Last, the controller moves to a new key: the old one can no longer log in.
      const next = localKeyOf(f.accounts.others[6].address);
      const rotate = await signRotateKey(wallet, { citizen, newController: next.address });
      await gw.relayRotateKey({ citizen, newController: next.address, authorization: rotate.authorization });
      expect((await gw.loginCitizen({ signer: next, citizen })).citizen).toBe(citizen.toLowerCase());
      expect(await caught(() => gw.loginCitizen({ signer: citizenKey, citizen }))).toMatchObject({ code: "NOT_CONTROLLER" });
      const badBody = await caught(() => gw.relayRotateKey({ citizen, newController: next.address, authorization: { ...rotate.authorization, deadline: -1n } }));
      expect(badBody).toMatchObject({ code: "INVALID_NUMBER" });
    });

    it("answers health, readiness, metrics, deployment, directory and nonces", async () => {
      const gw = createGatewayClient({ url });
      expect(await gw.getHealth()).toEqual({ status: "ok" });
      expect((await gw.getReadiness()).ready).toBe(true);
      expect(await gw.getMetrics()).toContain("imi_gateway_");
      expect(await gw.getDeployment()).toMatchObject({ chainId: Number(h.f.chainId), gateway: h.gatewayAccount.address });
      expect((await gw.getDirectory()).categories.length).toBeGreaterThan(0);
      expect(await gw.getSignerNonces({ signer: citizenKey.address })).toMatchObject({ consentRegistry: expect.stringMatching(/^[0-9]+$/) });
    });
  });

  describe("one schema source", () => {
    /** The OpenAPI paths a Fastify app publishes: what integrators generate clients from. */
    async function openApiPaths(a: FastifyInstance): Promise<Record<string, Record<string, unknown>>> {
      await a.ready();
      const paths = (a as unknown as { swagger(): { paths: Record<string, Record<string, unknown>> } }).swagger().paths;
      return Object.fromEntries(Object.entries(paths).filter(([p]) => !p.startsWith("/docs")));
    }

    it("every route the gateway serves is in the SDK's route table, with exactly the SDK's schema, and has a client method", async () => {
      // The same table registered on a bare Fastify: its OpenAPI document must be the gateway's.
      const bare = Fastify({ logger: false });
      await bare.register(swagger, {
        openapi: {
          info: { title: "IMI gateway", version: "1" },
          components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" }, signedRequest: { type: "apiKey", in: "header", name: "x-imi-signature" } } },
        },
      });
      for (const r of Object.values(gatewayRoutes)) bare.route({ method: r.method, url: r.url, schema: r.schema, handler: async () => ({}) });
      const fromTable = await openApiPaths(bare);
      const served = await openApiPaths(app);
      await bare.close();
      expect(Object.keys(served).sort()).toEqual(Object.keys(fromTable).sort());
      for (const [path, ops] of Object.entries(served)) expect(ops, path).toEqual(fromTable[path]);

      const client = createGatewayClient({ url }) as unknown as Record<string, unknown>;
      for (const [name, method] of Object.entries(gatewayClientMethods)) expect(typeof client[method], `${name} -> ${method}`).toBe("function");
      expect(Object.keys(gatewayClientMethods).sort()).toEqual(Object.keys(gatewayRoutes).sort());
    });
  });
});
