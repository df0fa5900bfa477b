// The SDK's gateway client against the real gateway listening on 127.0.0.1, over a real chain
// (Hardhat's in-process network), index, vault and access log: every client call, typed errors
// with the gateway's codes, the JSON forms of bigints and times, paging and the live stream.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import {
  GatewayAccessDeniedError,
  GatewayError,
  GatewayRefusedError,
  GatewayUnauthorizedError,
  createGatewayClient,
  createImiClient,
  signGrantConsent,
  signPauseConsent,
  signResumeConsent,
  signRevokeConsent,
  type AccessRecordJson,
  type GatewayClient,
  type Hex,
  type ImiClient,
} from "@imi-ledger/sdk";
import { code, registerCitizen, transportOf } from "../node/indexer/helpers.js";
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
});
