// Regression (issue 10, item 3): a signed agency request named no gateway and nonces are kept per
// gateway, so the same headers and body sent to a sibling gateway of the deployment returned the
// data again. Two real gateways on one embedded chain, configured with the same public origin (as
// behind one load balancer) so only the gateway account tells them apart.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Contract, Wallet } from "ethers";
import { createImiClient } from "@imi-ledger/sdk";
import { signAgencyLogin } from "@imi-ledger/sdk";
import { agencyRequestHeaders, signAgencyRequest } from "@imi-ledger/sdk";
import { privateKeyToAccount } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { startGateway, type RunningGateway } from "../../../node/gateway/server.js";
import { startTestChain, type TestChain } from "../chain/helpers.js";
import { code, randomId, tempDir } from "../indexer/helpers.js";
import { deployWiredImi } from "../../helpers/artifacts.js";

const P = code("housing-benefit");
const ADDRESS = 1n << 2n;
const AUDIENCE = "https://gateway.district.example";

describe("gateway: a signed request or login is for one gateway", () => {
  let t: TestChain;
  let c: Record<string, Contract>;
  let agency: Wallet, gatewayA: Wallet, gatewayB: Wallet, citizenWallet: Wallet;
  let a: RunningGateway, b: RunningGateway;
  const dirs: Array<{ remove(): Promise<void> }> = [];
  let citizen: string;
  let consentId: string;

  beforeAll(async () => {
    t = await startTestChain({ accounts: 7 });
    const [deployer, governor, registrar, ag, ga, gb, cw] = t.wallets as [Wallet, Wallet, Wallet, Wallet, Wallet, Wallet, Wallet];
    [agency, gatewayA, gatewayB, citizenWallet] = [ag, ga, gb, cw];
    const imi = await deployWiredImi(deployer, {
      governor: governor.address,
      governorSigner: governor,
      roles: [1, 3, 5, 5],
      accounts: [registrar.address, agency.address, gatewayA.address, gatewayB.address],
      allowlist: [governor.address, registrar.address, agency.address, gatewayA.address, gatewayB.address, citizenWallet.address],
    });
    c = imi.contracts;
    citizen = randomId();
    await (await c.identityRegistry.connect(registrar).getFunction("register")(citizen, citizenWallet.address, randomId(), 2)).wait();
    const now = (await t.provider.getBlock("latest"))!.timestamp;
    const granted = await (await c.consentRegistry.connect(citizenWallet).getFunction("grant")({ citizen, agency: agency.address, scopes: ADDRESS, purpose: P, validFrom: now - 1, validUntil: now + 3600, maxUses: 0 })).wait();
    consentId = c.consentRegistry.interface.parseLog(granted!.logs[0])!.args.consentId as string;
    const start = async (key: Wallet) => {
      const dir = await tempDir("gw-audience");
      dirs.push(dir);
      const gw = await startGateway({
        dataDir: dir.path,
        rpc: t.chain.url,
        wsUrl: t.chain.wsUrl,
        deployment: { chainId: t.chain.chainId, contracts: imi.addresses as never },
        gatewayKey: key.privateKey as Hex,
        vault: { kind: "level", masterKey: `0x${randomBytes(32).toString("hex")}` },
        audience: AUDIENCE,
        limits: { maxHeadAgeMs: 60_000 },
        logger: false,
      });
      await gw.vault.put(citizen, { address: { district: "Haidian" } });
      await gw.indexer.waitForBlock(granted!.blockNumber);
      return gw;
    };
    a = await start(gatewayA);
    b = await start(gatewayB);
  }, 120_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await t?.cleanup();
    for (const dir of dirs) await dir.remove();
  });

  const send = async (url: string, path: string, body: string, headers: Record<string, string>) => {
    const res = await fetch(url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    return { status: res.status, body: (await res.json()) as { code?: string; data?: unknown } };
  };

  it("refuses with 401 WRONG_AUDIENCE the same signed headers and body replayed to a sibling gateway", async () => {
    const agencyKey = privateKeyToAccount(agency.privateKey as Hex);
    const body = JSON.stringify({ citizen, scopes: String(ADDRESS), purpose: P, grantId: consentId });
    const signed = signAgencyRequest(agencyKey, { chainId: t.chain.chainId, gateway: gatewayA.address as Hex, citizen: citizen as Hex, scopes: ADDRESS, purpose: P as Hex, grantId: consentId as Hex, method: "POST", path: "/v1/access/data", body });
    const headers = agencyRequestHeaders(signed);

    const served = await send(a.url, "/v1/access/data", body, headers);
    expect(served.status).toBe(200);
    expect(served.body.data).toEqual({ address: { district: "Haidian" } });

    const before = b.accessLog.lastSeq();
    const replayed = await send(b.url, "/v1/access/data", body, headers);
    expect(replayed.status).toBe(401);
    expect(replayed.body.code).toBe("WRONG_AUDIENCE");
    expect(replayed.body.data).toBeUndefined();
    expect(b.accessLog.lastSeq()).toBe(before);
    // ...and on the gateway it was meant for, a replay is a replay.
    expect((await send(a.url, "/v1/access/data", body, headers)).body.code).toBe("NONCE_REUSED");

    // The sibling serves a request signed for it; the SDK client learns each gateway's account itself.
    const forB = signAgencyRequest(agencyKey, { chainId: t.chain.chainId, gateway: gatewayB.address as Hex, citizen: citizen as Hex, scopes: ADDRESS, purpose: P as Hex, grantId: consentId as Hex, method: "POST", path: "/v1/access/data", body });
    expect((await send(b.url, "/v1/access/data", body, agencyRequestHeaders(forB))).status).toBe(200);
    const client = createImiClient({ rpc: t.chain.url, deployment: { chainId: t.chain.chainId, contracts: { identityRegistry: await c.identityRegistry.getAddress(), credentialRegistry: await c.credentialRegistry.getAddress(), consentRegistry: await c.consentRegistry.getAddress(), accessLog: await c.accessLog.getAddress() } } as never, account: agencyKey, gateway: b.url });
    const viaSdk = await client.gateway.request<{ data: unknown }>({ method: "POST", path: "/v1/access/data", body: { citizen, scopes: String(ADDRESS), purpose: P }, citizen: citizen as Hex, scopes: ADDRESS, purpose: P as Hex });
    expect(viaSdk.body.data).toEqual({ address: { district: "Haidian" } });
  });

  it("refuses a login meant for a sibling gateway with 401 WRONG_AUDIENCE, and a sibling's session token", async () => {
    const agencyKey = privateKeyToAccount(agency.privateKey as Hex);
    const login = signAgencyLogin(agencyKey, { chainId: t.chain.chainId, gateway: gatewayA.address as Hex, audience: AUDIENCE });
    const onB = await send(b.url, "/v1/auth/login", JSON.stringify(login), {});
    expect(onB.status).toBe(401);
    expect(onB.body.code).toBe("WRONG_AUDIENCE");
    const onA = await send(a.url, "/v1/auth/login", JSON.stringify(login), {});
    expect(onA.status).toBe(200);
    const token = (onA.body as { token?: string }).token!;
    const body = JSON.stringify({ citizen, scopes: String(ADDRESS), purpose: P });
    const session = { authorization: `Bearer ${token}`, "x-imi-nonce": randomId(), "x-imi-issued-at": String(Math.floor(Date.now() / 1000)) };
    // Sessions live in the gateway that opened them: another gateway does not know the token.
    const elsewhere = await send(b.url, "/v1/access/data", body, session);
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.code).toBe("SESSION_EXPIRED");
    expect((await send(a.url, "/v1/access/data", body, session)).status).toBe(200);
  });
});
