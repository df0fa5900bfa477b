// Accesses streaming in while the gateway anchors its own log: each anchor seals a block, and the
// gateway used to hold every access until the index had read that block (503 INDEX_BEHIND after
// indexWaitMs; 27 of ~1,000 at load 11 in bench:district). A block whose logsBloom proves it holds
// no log of a contract a decision reads cannot change the decision, so it no longer holds an
// access back; any other block still does (fail closed). Real embedded chain, real gateway, the
// real Anchorer; the gateway waits for nothing (indexWaitMs 0), so every access made before the
// index has read a block that could matter is refused, and the counts need no clock.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, getBytes, type Contract } from "ethers";
import { Bloom } from "@ethereumjs/vm";
import { signAgencyLogin, privateKeyToAccount, type Hex } from "@imi-ledger/sdk";
import { startGateway, type RunningGateway } from "../../../node/gateway/server.js";
import { Anchorer, createClientAnchorTarget } from "../../../node/accesslog/index.js";
import { bloomMayHold } from "../../../node/gateway/internal/logsBloom.js";
import { initFastCrypto } from "../../../node/gateway/internal/fastTypedData.js";
import { startTestChain, type TestChain } from "../chain/helpers.js";
import { code, randomId, tempDir } from "../indexer/helpers.js";
import { deployWiredImi } from "../../helpers/artifacts.js";

const P = code("housing-benefit");
const ADDRESS = 1n << 2n;
const ROUNDS = 20;

describe("accesses while the gateway anchors its own log", () => {
  let t: TestChain;
  let gw: RunningGateway;
  let anchorer: Anchorer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let c: Record<string, Contract>;
  let agency: Wallet, gatewayWallet: Wallet, citizenWallet: Wallet;
  let citizen: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestChain({ accounts: 6 });
    const [deployer, governor, registrar] = t.wallets as Wallet[];
    [agency, gatewayWallet, citizenWallet] = t.wallets.slice(3) as [Wallet, Wallet, Wallet];
    const imi = await deployWiredImi(deployer!, { governor: governor!.address, governorSigner: governor!, roles: [1, 3, 5], accounts: [registrar!.address, agency.address, gatewayWallet.address], allowlist: [governor!.address, registrar!.address, agency.address, gatewayWallet.address, citizenWallet.address] });
    c = imi.contracts;
    citizen = randomId();
    await (await c.identityRegistry.connect(registrar).getFunction("register")(citizen, citizenWallet.address, randomId(), 2)).wait();
    const now = (await t.provider.getBlock("latest"))!.timestamp;
    await (await c.consentRegistry.connect(citizenWallet).getFunction("grant")({ citizen, agency: agency.address, scopes: ADDRESS, purpose: P, validFrom: now - 1, validUntil: now + 86_400, maxUses: 0 })).wait();
    dir = await tempDir("gw-anchor-blocks");
    gw = await startGateway({
      dataDir: dir.path,
      rpc: t.chain.url,
      wsUrl: t.chain.wsUrl,
      pollIntervalMs: 60_000,
      deployment: { chainId: t.chain.chainId, contracts: imi.addresses as never },
      gatewayKey: gatewayWallet.privateKey as Hex,
      vault: { kind: "level", masterKey: `0x${randomBytes(32).toString("hex")}` },
      audience: "https://gw.anchors.example",
      limits: { maxHeadAgeMs: 120_000, indexWaitMs: 0 },
      logger: false,
    });
    await gw.vault.put(citizen, { address: { district: "Haidian" } });
    await gw.indexer.sync();
    const login = signAgencyLogin(privateKeyToAccount(agency.privateKey as Hex), { chainId: t.chain.chainId, gateway: gatewayWallet.address as Hex, audience: "https://gw.anchors.example" });
    token = (await gw.app.inject({ method: "POST", url: "/v1/auth/login", payload: login })).json().token;
    // Every record is anchored at once: a block of the gateway's own anchor after each access.
    anchorer = new Anchorer(gw.accessLog, createClientAnchorTarget(gw.app.imi.relay, { gateway: gatewayWallet.address }), { maxRecords: 1, intervalMs: 10 });
    anchorer.start();
  }, 120_000);

  afterAll(async () => {
    await anchorer?.stop();
    await gw?.close();
    await t?.cleanup();
    await dir?.remove();
  });

  const heads = () => gw.app.imi.options.heads!;
  const access = async () => {
    const res = await gw.app.inject({
      method: "POST",
      url: "/v1/access/data",
      headers: { authorization: `Bearer ${token}`, "x-imi-nonce": randomId(), "x-imi-issued-at": String(Math.floor(Date.now() / 1000)) },
      payload: { citizen, scopes: String(ADDRESS), purpose: P },
    });
    return { status: res.statusCode, code: (res.json() as { code?: string }).code };
  };
  /** Resolves as soon as the gateway has been told of a head after `after` (the access then races the index for it). */
  const nextHead = async (after: number) => {
    while (heads().head <= after) await new Promise((r) => setImmediate(r));
  };

  it("the header test agrees with ethereumjs's Bloom on addresses in and out of the block", async () => {
    await initFastCrypto();
    const bloom = new Bloom();
    const inside = Array.from({ length: 3 }, () => Wallet.createRandom().address);
    for (const a of inside) bloom.add(getBytes(a));
    for (const a of inside) expect(bloomMayHold(bloom.bitvector, a)).toBe(true);
    for (let i = 0; i < 200; i++) {
      const a = Wallet.createRandom().address;
      expect(bloomMayHold(bloom.bitvector, a)).toBe(bloom.check(getBytes(a)));
    }
  });

  it("serves every access made right after a block of the gateway's own anchors, before the index has read it (was: 503 INDEX_BEHIND)", async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const head = heads().head;
      const r = await access();
      outcomes.push(r.status === 200 ? "allowed" : String(r.code));
      // An allowed access's record is anchored in a block of its own; the next access goes the moment
      // it is known. A refused one is not logged (nothing to anchor): the index is let catch up.
      if (r.status === 200) await nextHead(head);
      else await gw.indexer.sync();
    }
    expect(anchorer.status().lastAnchoredSeq).toBeGreaterThanOrEqual(ROUNDS - 1);
    expect(outcomes.filter((o) => o !== "allowed")).toEqual([]);
  });

  it("still holds an access behind a block that can change the decision: right after a revocation it is never allowed", async () => {
    const consentId = gw.indexer.latestConsent(citizen, agency.address, P);
    const head = heads().head;
    await (await c.consentRegistry.connect(citizenWallet).getFunction("revoke")(consentId)).wait();
    await nextHead(head);
    const r = await access();
    expect(r.status).not.toBe(200);
  });
});
