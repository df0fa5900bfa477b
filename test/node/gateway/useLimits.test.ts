// Regression: a consent with maxUses = 1 was used once on each of two gateways, because each
// gateway counted uses in its own access log. Two real gateways (own keys, own access logs and
// nonce stores) over one chain: the chain's count is the one truth.
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEther } from "ethers";
import type { FastifyInstance } from "fastify";
import { privateKeyToAccount } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { NonceStore } from "../../../node/gateway/internal/NonceStore.js";
import { openAccessLog, type AccessLog } from "../../../node/gateway/internal/accessLog.js";
import { code, grantConsent, registerCitizen } from "../indexer/helpers.js";
import { createHarness, type Harness } from "./harness.js";

const P = code("social-benefits");
const ADDRESS = 1n << 2n;
const GATEWAY_ROLE = 5n;

describe("gateway: use limits across gateways", () => {
  let h: Harness;
  let first: FastifyInstance;
  let second: FastifyInstance;
  let secondLog: AccessLog;
  let secondNonces: NonceStore;
  const secondAccount = privateKeyToAccount(`0x${randomBytes(32).toString("hex")}` as Hex);
  const record = { address: { district: "Haidian", street: "1 Example Road" } };

  beforeAll(async () => {
    h = await createHarness();
    const { f } = h;
    await (await f.accounts.deployer.sendTransaction({ to: secondAccount.address, value: parseEther("100") })).wait();
    await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(GATEWAY_ROLE, secondAccount.address, 0)).wait();
    secondLog = await openAccessLog({ dir: join(h.dir.path, "accesslog-2"), gateway: secondAccount.address });
    secondNonces = await NonceStore.inAccessLog(secondLog);
    first = await h.app();
    second = await h.app({}, { account: secondAccount, accessLog: secondLog, nonces: secondNonces });
  });
  afterAll(async () => {
    await h?.close();
    await secondNonces?.close().catch(() => undefined);
    await secondLog?.close().catch(() => undefined);
  });

  async function limitedConsent(key: number, maxUses: number) {
    const citizenKey = h.f.accounts.others[key];
    const citizen = await registerCitizen(h.f, citizenKey);
    await h.vault.put(citizen, record);
    const consentId = await grantConsent(h.f, citizenKey, { citizen, agency: h.f.accounts.agency.address, scopes: ADDRESS, purpose: P, maxUses });
    await h.indexer.sync();
    return { citizen, consentId };
  }

  const ask = (app: FastifyInstance, gateway: Hex, citizen: string) =>
    h.signed(app, h.keys.agency, "/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: P }, { gateway });

  it("maxUses = 1: exactly one access across both gateways, the other refused with USE_LIMIT_REACHED and logged", async () => {
    const { citizen, consentId } = await limitedConsent(2, 1);
    const before = [h.accessLog.lastSeq(), secondLog.lastSeq()];
    const [a, b] = await Promise.all([ask(first, h.gatewayAccount.address, citizen), ask(second, secondAccount.address, citizen)]);
    const answers = [a, b].map((r) => ({ status: r.statusCode, code: r.statusCode === 200 ? "ALLOWED" : r.json().code, data: r.json().data }));
    expect(answers.map((x) => x.code).sort()).toEqual(["ALLOWED", "USE_LIMIT_REACHED"]);
    const refused = answers.find((x) => x.code === "USE_LIMIT_REACHED")!;
    expect(refused.status).toBe(403);
    expect(refused.data).toBeUndefined();
    // Each gateway logged what it decided: one allowed, one denied for the limit.
    const logged = [await h.accessLog.get(before[0] + 1), await secondLog.get(before[1] + 1)];
    expect(logged.map((r) => `${r!.decision}:${r!.reason}`).sort()).toEqual(["allowed:ALLOWED", "denied:USE_LIMIT_REACHED"]);
    expect((await h.f.contracts.consentRegistry.getConsent(consentId)).uses).toBe(1n);
    // Later requests on either gateway stay refused.
    for (const [app, gw] of [[first, h.gatewayAccount.address], [second, secondAccount.address]] as const) {
      const again = await ask(app, gw, citizen);
      expect(again.statusCode).toBe(403);
      expect(again.json().code).toBe("USE_LIMIT_REACHED");
    }
  });

  it("maxUses = 3 under concurrent load on both gateways: three accesses in all", async () => {
    const { citizen, consentId } = await limitedConsent(3, 3);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_v, i) => (i % 2 === 0 ? ask(first, h.gatewayAccount.address, citizen) : ask(second, secondAccount.address, citizen))),
    );
    const codes = results.map((r) => (r.statusCode === 200 ? "ALLOWED" : r.json().code)).sort();
    expect(codes).toEqual(["ALLOWED", "ALLOWED", "ALLOWED", ...Array(5).fill("USE_LIMIT_REACHED")]);
    expect((await h.f.contracts.consentRegistry.getConsent(consentId)).uses).toBe(3n);
  });

  it("fails closed when the gateway cannot count the use on chain: 503, logged, nothing released", async () => {
    const { citizen } = await limitedConsent(4, 2);
    // The second gateway loses its gateway role: the chain refuses its count (and the index does not yet know).
    await (await h.f.contracts.accessManager.connect(h.f.accounts.governor).revokeRole(GATEWAY_ROLE, secondAccount.address)).wait();
    const before = secondLog.lastSeq();
    const res = await ask(second, secondAccount.address, citizen);
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("USE_COUNT_UNAVAILABLE");
    expect(res.json().data).toBeUndefined();
    expect(await secondLog.get(before + 1)).toMatchObject({ decision: "denied", reason: "USE_COUNT_UNAVAILABLE" });
    await (await h.f.contracts.accessManager.connect(h.f.accounts.governor).grantRole(GATEWAY_ROLE, secondAccount.address, 0)).wait();
  });
});
