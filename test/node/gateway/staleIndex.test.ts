// Regression (issue 10, item 1): a consent revoked in block R was still answered with data while the
// index sat at R-1, because the gateway allowed an index up to two blocks behind the head it knew.
// Here the index is slow for real: its eth_getLogs calls go through a JSON-RPC proxy on 127.0.0.1
// that holds them, in front of the real embedded chain, while the gateway learns of block R by its
// newHeads subscription (or by polling). Every answer in between must be a refusal, never data.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Contract, Wallet } from "ethers";
import { signAgencyLogin } from "@imi-ledger/sdk";
import { privateKeyToAccount } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { startGateway, type RunningGateway } from "../../../node/gateway/server.js";
import { startTestChain, type TestChain } from "../chain/helpers.js";
import { code, randomId, tempDir } from "../indexer/helpers.js";
import { deployWiredImi } from "../../helpers/artifacts.js";

const P = code("housing-benefit");
const ADDRESS = 1n << 2n;
const AUDIENCE = "https://gw.stale.example";

/** A JSON-RPC proxy in front of the chain that holds eth_getLogs while `hold` is on. */
async function logHoldingProxy(target: string) {
  let hold = false;
  let release: () => void = () => undefined;
  let released = Promise.resolve();
  let held = 0;
  const server: Server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    if (hold && body.includes('"eth_getLogs"')) {
      held++;
      await released;
    }
    try {
      const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
      res.writeHead(upstream.status, { "content-type": "application/json" });
      res.end(await upstream.text());
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get held() {
      return held;
    },
    holdLogs() {
      hold = true;
      released = new Promise((resolve) => (release = resolve));
    },
    releaseLogs() {
      hold = false;
      release();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const until = async (what: () => boolean, tries = 500) => {
  for (let i = 0; i < tries && !what(); i++) await new Promise((r) => setTimeout(r, 20));
  return what();
};

describe("gateway: no allow from an index behind a head it has seen", () => {
  let t: TestChain;
  let c: Record<string, Contract>;
  let wiring: Record<string, string>;
  let agency: Wallet, gatewayWallet: Wallet, citizenWallet: Wallet;
  let citizen: string;

  beforeAll(async () => {
    t = await startTestChain({ accounts: 6 });
    const [deployer, governor, registrar, ag, gw, cw] = t.wallets as [Wallet, Wallet, Wallet, Wallet, Wallet, Wallet];
    [agency, gatewayWallet, citizenWallet] = [ag, gw, cw];
    const imi = await deployWiredImi(deployer, { governor: governor.address, governorSigner: governor, roles: [1, 3, 5], accounts: [registrar.address, agency.address, gatewayWallet.address], allowlist: [governor.address, registrar.address, agency.address, gatewayWallet.address, citizenWallet.address] });
    c = imi.contracts;
    wiring = imi.addresses as Record<string, string>;
    citizen = randomId();
    await (await c.identityRegistry.connect(registrar).getFunction("register")(citizen, citizenWallet.address, randomId(), 2)).wait();
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  for (const mode of ["websocket", "polling"] as const) {
    it(`refuses instead of allowing while the index is behind a head it has seen (heads by ${mode})`, async () => {
      const proxy = await logHoldingProxy(t.chain.url);
      const dir = await tempDir(`gw-stale-${mode}`);
      let gw: RunningGateway | undefined;
      try {
        gw = await startGateway({
          dataDir: dir.path,
          rpc: proxy.url,
          wsUrl: mode === "websocket" ? t.chain.wsUrl : undefined,
          // With a subscription the poll is only the index's slow fallback; without one it is how heads come.
          pollIntervalMs: mode === "websocket" ? 5_000 : 100,
          deployment: { chainId: t.chain.chainId, contracts: wiring as never },
          gatewayKey: gatewayWallet.privateKey as Hex,
          vault: { kind: "level", masterKey: `0x${randomBytes(32).toString("hex")}` },
          audience: AUDIENCE,
          limits: { maxHeadAgeMs: 60_000, indexWaitMs: 250 },
          logger: false,
        });
        const g = gw;
        await g.vault.put(citizen, { address: { district: "Haidian" } });
        const now = (await t.provider.getBlock("latest"))!.timestamp;
        const purpose = code(`stale-${mode}`);
        const granted = await (await c.consentRegistry.connect(citizenWallet).getFunction("grant")({ citizen, agency: agency.address, scopes: ADDRESS, purpose, validFrom: now - 1, validUntil: now + 3600, maxUses: 0 })).wait();
        const consentId = c.consentRegistry.interface.parseLog(granted!.logs[0])!.args.consentId as string;
        expect(await until(() => g.indexer.status().indexedBlock >= granted!.blockNumber)).toBe(true);

        const login = signAgencyLogin(privateKeyToAccount(agency.privateKey as Hex), { chainId: t.chain.chainId, gateway: gatewayWallet.address as Hex, audience: AUDIENCE });
        const token = ((await (await fetch(`${g.url}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(login) })).json()) as { token: string }).token;
        const access = async () => {
          const res = await fetch(`${g.url}/v1/access/data`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-imi-nonce": randomId(), "x-imi-issued-at": String(Math.floor(Date.now() / 1000)) },
            body: JSON.stringify({ citizen, scopes: String(ADDRESS), purpose, grantId: consentId }),
          });
          return { status: res.status, body: (await res.json()) as { code?: string; data?: unknown } };
        };
        expect((await access()).status).toBe(200);

        // The index's log fetching stalls; the citizen revokes in block R.
        proxy.holdLogs();
        const revoked = await (await c.consentRegistry.connect(citizenWallet).getFunction("revoke")(consentId)).wait();
        const R = revoked!.blockNumber;
        expect(await until(() => g.app.imi.knownHead() >= R)).toBe(true);
        expect(await until(() => proxy.held > 0)).toBe(true);
        expect(g.indexer.status().indexedBlock).toBe(R - 1);
        const lastBefore = g.accessLog.lastSeq();

        const answers = [];
        for (let i = 0; i < 8; i++) answers.push(await access());
        expect(answers.filter((a) => a.status === 200)).toEqual([]);
        expect(answers.every((a) => a.status === 503 && a.body.code === "INDEX_BEHIND" && a.body.data === undefined)).toBe(true);
        expect((await fetch(`${g.url}/readyz`)).status).toBe(503);
        // Refused before anything was decided: nothing logged, let alone allowed.
        expect(g.accessLog.lastSeq()).toBe(lastBefore);

        proxy.releaseLogs();
        expect(await until(() => g.indexer.status().indexedBlock >= R)).toBe(true);
        const after = await access();
        expect(after.status).toBe(403);
        expect(after.body.code).toBe("CONSENT_REVOKED");
      } finally {
        proxy.releaseLogs();
        await gw?.close();
        await proxy.close();
        await dir.remove();
      }
    }, 60_000);
  }
});
