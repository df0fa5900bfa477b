// The whole gateway (startGateway: real HTTP on 127.0.0.1) over the project's embedded chain, with
// the index following new blocks through the node's WebSocket subscription.
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, type Contract } from "ethers";
import { createImiClient } from "@imi-ledger/sdk";
import { signAgencyLogin } from "@imi-ledger/sdk";
import { grantTypedData, revokeConsentTypedData } from "@imi-ledger/sdk";
import { privateKeyToAccount } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { startGateway, type RunningGateway } from "../../../node/gateway/server.js";
import { startTestChain, type TestChain } from "../chain/helpers.js";
import { code, randomId, tempDir } from "../indexer/helpers.js";
import { deployWiredImi } from "../../helpers/artifacts.js";


const P = code("housing-benefit");
const ADDRESS = 1n << 2n;

describe("gateway over the embedded chain (HTTP + WebSocket)", () => {
  let t: TestChain;
  let gw: RunningGateway;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let c: Record<string, Contract>;
  let deployer: Wallet, governor: Wallet, registrar: Wallet, agency: Wallet, gatewayWallet: Wallet, citizenWallet: Wallet;
  let citizen: string;
  let chainId: number;

  beforeAll(async () => {
    t = await startTestChain({ accounts: 6 });
    [deployer, governor, registrar, agency, gatewayWallet, citizenWallet] = t.wallets as [Wallet, Wallet, Wallet, Wallet, Wallet, Wallet];
    const imi = await deployWiredImi(deployer, { governor: governor.address, governorSigner: governor, roles: [1, 3, 5], accounts: [registrar.address, agency.address, gatewayWallet.address], allowlist: [governor.address, registrar.address, agency.address, gatewayWallet.address, citizenWallet.address] });
    c = imi.contracts;
    const { identityRegistry, consentRegistry } = imi.contracts;
    const wiring = imi.addresses;
    chainId = t.chain.chainId;
    citizen = randomId();
    await (await identityRegistry.connect(registrar).getFunction("register")(citizen, citizenWallet.address, randomId(), 2)).wait();
    dir = await tempDir("gw-embedded");
    gw = await startGateway({
      dataDir: dir.path,
      rpc: t.chain.url,
      wsUrl: t.chain.wsUrl,
      // Polling only as a slow fallback: new blocks arrive through the subscription.
      pollIntervalMs: 60_000,
      deployment: { chainId, contracts: wiring as never },
      gatewayKey: gatewayWallet.privateKey as Hex,
      vault: { kind: "level", masterKey: `0x${randomBytes(32).toString("hex")}` },
      audience: "https://gw.embedded.example",
      limits: { maxHeadAgeMs: 120_000 },
      logger: false,
    });
    await gw.vault.put(citizen, { address: { district: "Haidian" } });
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
    await t?.cleanup();
    await dir?.remove();
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(gw.url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { code?: string } };
  };

  async function untilIndexed(block: number) {
    // Driven only by the WebSocket subscription (polling is set to a minute).
    for (let i = 0; i < 500 && gw.indexer.status().indexedBlock < block; i++) await new Promise((r) => setTimeout(r, 20));
    expect(gw.indexer.status().indexedBlock).toBeGreaterThanOrEqual(block);
  }

  it("relays a signed consent, serves a signed agency request through the SDK, and refuses after a relayed revocation", async () => {
    const citizenKey = privateKeyToAccount(citizenWallet.privateKey as Hex);
    const agencyKey = privateKeyToAccount(agency.privateKey as Hex);
    const consentAddress = (await c.consentRegistry.getAddress()) as Hex;
    const now = (await t.provider.getBlock("latest"))!.timestamp;
    const request = { citizen: citizen as Hex, agency: agency.address as Hex, scopes: ADDRESS, purpose: P as Hex, validFrom: now - 10, validUntil: now + 86_400, maxUses: 0 };
    const deadline = now + 600;
    const typed = grantTypedData({ chainId, verifyingContract: consentAddress, request, nonce: 0n, deadline });
    const granted = await post("/v1/consents", {
      request: { ...request, scopes: String(ADDRESS), validFrom: String(request.validFrom), validUntil: String(request.validUntil) },
      authorization: { signer: citizenKey.address, deadline: String(deadline), signature: citizenKey.signTypedData(typed) },
    });
    expect(granted.status).toBe(200);
    const consentId = granted.body.consentId as Hex;

    const client = createImiClient({ rpc: t.chain.url, deployment: { chainId, contracts: { identityRegistry: await c.identityRegistry.getAddress(), credentialRegistry: await c.credentialRegistry.getAddress(), consentRegistry: consentAddress, accessLog: await c.accessLog.getAddress() } }, account: agencyKey, gateway: gw.url });
    const ok = await client.gateway.request<{ data: unknown; receipt: { seq: number } }>({ method: "POST", path: "/v1/access/data", body: { citizen, scopes: String(ADDRESS), purpose: P }, citizen: citizen as Hex, scopes: ADDRESS, purpose: P as Hex });
    expect(ok.body.data).toEqual({ address: { district: "Haidian" } });
    expect((await gw.accessLog.get(ok.body.receipt.seq))!.decision).toBe("allowed");

    const revoke = revokeConsentTypedData({ chainId, verifyingContract: consentAddress, consentId, nonce: 1n, deadline });
    const revoked = await post(`/v1/consents/${consentId}/revoke`, { authorization: { signer: citizenKey.address, deadline: String(deadline), signature: citizenKey.signTypedData(revoke) } });
    expect(revoked.body.status).toBe("revoked");
    await expect(
      client.gateway.request({ method: "POST", path: "/v1/access/data", body: { citizen, scopes: String(ADDRESS), purpose: P }, citizen: citizen as Hex, scopes: ADDRESS, purpose: P as Hex }),
    ).rejects.toMatchObject({ code: "GATEWAY" });
    const denied = await gw.accessLog.query({ citizen, limit: 10 });
    expect(denied.at(-1)).toMatchObject({ decision: "denied", reason: "CONSENT_REVOKED" });
  });

  it("follows blocks sealed outside the gateway through the newHeads subscription", async () => {
    const now = (await t.provider.getBlock("latest"))!.timestamp;
    const receipt = await (await c.consentRegistry.connect(citizenWallet).getFunction("grant")({ citizen, agency: agency.address, scopes: ADDRESS, purpose: code("direct"), validFrom: now - 1, validUntil: now + 3600, maxUses: 0 })).wait();
    await untilIndexed(receipt!.blockNumber);
    expect(gw.indexer.consentsOfCitizen(citizen).some((x) => x.purpose === code("direct"))).toBe(true);
  });

  it("refuses a polling interval that cannot keep readiness fresh", async () => {
    await expect(startGateway({ dataDir: join(dir.path, "bad"), rpc: t.chain.url, pollIntervalMs: 10_000, limits: { maxHeadAgeMs: 5_000 }, deployment: { chainId, contracts: {} as never }, gatewayKey: gatewayWallet.privateKey as Hex, vault: { kind: "level", masterKey: `0x${"11".repeat(32)}` }, logger: false })).rejects.toMatchObject({ code: "GATEWAY_CONFIG_INVALID" });
  });

  it("goes unready and refuses when the chain stops, and recovers when it returns", async () => {
    const login = signAgencyLogin(privateKeyToAccount(agency.privateKey as Hex), { chainId, gateway: gatewayWallet.address as Hex, audience: "https://gw.embedded.example" });
    const token = (await post("/v1/auth/login", login)).body.token as string;
    const port = Number(new URL(t.chain.url).port);
    const access = () => post("/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: code("direct") }, { authorization: `Bearer ${token}`, "x-imi-nonce": randomId(), "x-imi-issued-at": String(Math.floor(Date.now() / 1000)) });
    expect((await access()).status).toBe(200);
    await t.chain.close();
    let ready = 200;
    for (let i = 0; i < 300 && ready === 200; i++) {
      await gw.indexer.checkHead().catch(() => undefined);
      ready = (await fetch(`${gw.url}/readyz`)).status;
      if (ready === 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(ready).toBe(503);
    const refused = await access();
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe("CHAIN_UNAVAILABLE");
    await t.restart({ port });
    for (let i = 0; i < 300 && ready !== 200; i++) {
      await gw.indexer.sync().catch(() => undefined);
      ready = (await fetch(`${gw.url}/readyz`)).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(ready).toBe(200);
    expect((await access()).status).toBe(200);
  });
});
