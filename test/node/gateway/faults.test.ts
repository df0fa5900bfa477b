import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import type { Transport } from "@imi-ledger/sdk";
import { openIndexer, type Indexer } from "../../../node/indexer/index.js";
import { HttpVault, LevelVault, vaultHttpPlugin } from "../../../node/vault/index.js";
import { openAccessLog } from "../../../node/gateway/internal/accessLog.js";
import { buildApp } from "../../../node/gateway/app.js";
import { NonceStore } from "../../../node/gateway/internal/NonceStore.js";
import { code, contractsOf, grantConsent, randomId, registerCitizen, transportOf } from "../indexer/helpers.js";
import { AUDIENCE, createHarness, type Harness } from "./harness.js";

const P = code("social-benefits");
const ADDRESS = 1n << 2n;

// Faults fail closed: a 503 with a code, no data, and no "allowed" record.
describe("gateway: faults fail closed", () => {
  let h: Harness;
  let app: FastifyInstance;
  let token: string;
  let citizen: string;

  beforeAll(async () => {
    h = await createHarness();
    citizen = await registerCitizen(h.f, h.f.accounts.others[5]);
    await h.vault.put(citizen, { address: { district: "Haidian" } });
    await grantConsent(h.f, h.f.accounts.others[5], { citizen, agency: h.f.accounts.agency.address, scopes: ADDRESS, purpose: P });
    await h.indexer.sync();
    app = await h.app();
    token = await h.login(app, h.keys.agency);
  });
  afterAll(async () => h?.close());

  const tokens = new Map<FastifyInstance, string>();
  const access = async (a = app) => {
    if (a !== app && !tokens.has(a)) tokens.set(a, await h.login(a, h.keys.agency));
    return h.withSession(a, a === app ? token : tokens.get(a)!, "/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: P });
  };

  it("answers 503 INDEX_BEHIND while the index lags the head, then serves once it caught up", async () => {
    expect((await access()).statusCode).toBe(200);
    await h.f.ethers.provider.send("evm_mine", []);
    await h.indexer.checkHead();
    const before = h.accessLog.lastSeq();
    const res = await access();
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("INDEX_BEHIND");
    expect((await app.inject({ method: "GET", url: "/readyz" })).json().code).toBe("INDEX_BEHIND");
    expect(h.accessLog.lastSeq()).toBe(before);
    await h.indexer.sync();
    expect((await access()).statusCode).toBe(200);
  });

  it("answers 503 CHAIN_UNAVAILABLE when the chain stops answering", async () => {
    let down = false;
    const real = transportOf(h.f);
    const flaky: Transport = { kind: "transport", request: (m, p) => (down ? Promise.reject(new Error("connection refused")) : real.request(m, p)) };
    const { accessLog: _a, ...contracts } = await contractsOf(h.f);
    void _a;
    const indexer: Indexer = await openIndexer({ dir: join(h.dir.path, "flaky-index"), rpc: flaky, contracts, pollIntervalMs: 0 });
    await indexer.sync();
    const a = await buildApp({ chainId: Number(h.f.chainId), audience: AUDIENCE, deployment: h.deployment, indexer, vault: h.vault, accessLog: h.accessLog, nonces: h.nonces(), account: h.gatewayAccount, rpc: flaky, now: h.now, logger: false, limits: { maxHeadAgeMs: 3_600_000 } });
    const t = await h.login(a, h.keys.agency);
    expect((await h.withSession(a, t, "/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: P })).statusCode).toBe(200);
    down = true;
    await expect(indexer.sync()).rejects.toMatchObject({ code: "CHAIN_UNREACHABLE" });
    const before = h.accessLog.lastSeq();
    const res = await h.withSession(a, t, "/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: P });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("CHAIN_UNAVAILABLE");
    expect(res.json().message).not.toContain("refused");
    expect(h.accessLog.lastSeq()).toBe(before);
    down = false;
    await indexer.sync();
    expect((await h.withSession(a, t, "/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: P })).statusCode).toBe(200);
    await a.close();
    await indexer.close();
  });

  it("answers 503 VAULT_UNAVAILABLE when a department's vault is down, with no data and a denied record", async () => {
    const backing = await LevelVault.open({ dir: join(h.dir.path, "dept"), masterKey: new Uint8Array(randomBytes(32)) });
    await backing.put(citizen, { address: { district: "Haidian" } });
    const dept = Fastify();
    await dept.register(vaultHttpPlugin, { vault: backing });
    const url = await dept.listen({ host: "127.0.0.1", port: 0 });
    const a = await h.app({}, { vault: new HttpVault({ baseUrl: url, timeoutMs: 2_000 }) });
    expect((await access(a)).json().data).toEqual({ address: { district: "Haidian" } });
    await dept.close();
    const before = h.accessLog.lastSeq();
    const res = await access(a);
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("VAULT_UNAVAILABLE");
    expect(res.json().data).toBeUndefined();
    expect(h.accessLog.lastSeq()).toBe(before + 1);
    expect(await h.accessLog.get(before + 1)).toMatchObject({ decision: "denied", reason: "VAULT_UNAVAILABLE" });
    await backing.close();
  });

  it("answers 503 ACCESS_LOG_UNAVAILABLE and no data when the record cannot be made durable", async () => {
    const broken = await openAccessLog({ dir: join(h.dir.path, "broken-log"), gateway: h.gatewayAccount.address });
    const a = await h.app({}, { accessLog: broken });
    expect((await access(a)).statusCode).toBe(200);
    await broken.close();
    const res = await access(a);
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("ACCESS_LOG_UNAVAILABLE");
    expect(res.json().data).toBeUndefined();
    const denied = await h.withSession(a, tokens.get(a)!, "/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: code("other") });
    expect(denied.json().code).toBe("ACCESS_LOG_UNAVAILABLE");
  });

  it("answers 503 ACCESS_LOG_UNAVAILABLE, not a nonce failure, when the log that also keeps the nonces fails", async () => {
    const broken = await openAccessLog({ dir: join(h.dir.path, "broken-shared-log"), gateway: h.gatewayAccount.address });
    const nonces = await NonceStore.inAccessLog(broken);
    const a = await h.app({}, { accessLog: broken, nonces });
    expect((await access(a)).statusCode).toBe(200);
    await broken.close();
    const res = await access(a);
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("ACCESS_LOG_UNAVAILABLE");
    expect(res.json().data).toBeUndefined();
    await nonces.close();
  });

  it("answers 503 NONCE_STORE_UNAVAILABLE and no data when the nonce cannot be made durable", async () => {
    const nonces = await NonceStore.open(join(h.dir.path, "broken-nonces"));
    const a = await h.app({}, { nonces });
    expect((await access(a)).statusCode).toBe(200);
    await nonces.close();
    const res = await access(a);
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("NONCE_STORE_UNAVAILABLE");
    expect(res.json().data).toBeUndefined();
  });

  it("refuses unknown citizens with a logged denial, not an error", async () => {
    const res = await h.withSession(app, token, "/v1/access/data", { citizen: randomId(), scopes: String(ADDRESS), purpose: P });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("UNKNOWN_GRANT");
    expect(res.json().receipt.seq).toBe(h.accessLog.lastSeq());
  });
});
