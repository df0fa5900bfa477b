// `kill -9` during load loses no access record that was answered with 2xx, and nonces answered
// before the kill are still refused after the restart.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet } from "ethers";
import { signAgencyLogin } from "@imi-ledger/sdk";
import { privateKeyToAccount } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { openAccessLog } from "../../../node/accesslog/index.js";
import { LevelVault } from "../../../node/vault/index.js";
import { hexToBytes } from "@noble/hashes/utils.js";
import { startTestChain, type TestChain } from "../chain/helpers.js";
import { code, randomId, tempDir } from "../indexer/helpers.js";
import { deployWiredImi } from "../../helpers/artifacts.js";


const P = code("kill-nine");
const ADDRESS = 1n << 2n;
const AUDIENCE = "https://gw.kill.example";

function startChild(config: unknown): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/node/gateway/fixtures/gatewayProcess.ts"], {
    env: { ...process.env, IMI_GATEWAY_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /url (\S+)\n/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once("exit", (codeNum) => reject(new Error(`gateway exited ${codeNum}: ${err}`)));
  });
}

describe("gateway durability under kill -9", () => {
  let t: TestChain;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let config: Record<string, unknown>;
  let agency: Wallet;
  let citizen: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    t = await startTestChain({ accounts: 6 });
    const [deployer, governor, registrar, ag, gatewayWallet, citizenWallet] = t.wallets as [Wallet, Wallet, Wallet, Wallet, Wallet, Wallet];
    agency = ag;
    const imi = await deployWiredImi(deployer, { governor: governor.address, governorSigner: governor, roles: [1, 3, 5], accounts: [registrar.address, agency.address, gatewayWallet.address], allowlist: [governor.address, registrar.address, agency.address, gatewayWallet.address, citizenWallet.address] });
    const { identityRegistry, consentRegistry } = imi.contracts;
    const wiring = imi.addresses;
    citizen = randomId();
    await (await identityRegistry.connect(registrar).getFunction("register")(citizen, citizenWallet.address, randomId(), 2)).wait();
    const now = (await t.provider.getBlock("latest"))!.timestamp;
    await (await consentRegistry.connect(citizenWallet).getFunction("grant")({ citizen, agency: agency.address, scopes: ADDRESS, purpose: P, validFrom: now - 1, validUntil: now + 86_400, maxUses: 0 })).wait();
    dir = await tempDir("gw-kill");
    const masterKey = `0x${randomBytes(32).toString("hex")}`;
    const vault = await LevelVault.open({ dir: join(dir.path, "vault"), masterKey: hexToBytes(masterKey.slice(2)) });
    await vault.put(citizen, { address: { district: "Haidian" } });
    await vault.close();
    config = {
      dataDir: dir.path,
      rpc: t.chain.url,
      wsUrl: t.chain.wsUrl,
      deployment: { chainId: t.chain.chainId, contracts: wiring },
      gatewayKey: gatewayWallet.privateKey,
      vault: { kind: "level", masterKey },
      audience: AUDIENCE,
      limits: { rateLimitPerMinute: 1_000_000 },
    };
  }, 120_000);

  afterAll(async () => {
    child?.kill("SIGKILL");
    await t?.cleanup();
    await dir?.remove();
  });

  it("keeps every record answered 2xx, and refuses answered nonces after the restart", async () => {
    let running = await startChild(config);
    child = running.child;
    const agencyKey = privateKeyToAccount(agency.privateKey as Hex);
    const login = async (url: string) => {
      const res = await fetch(`${url}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(signAgencyLogin(agencyKey, { chainId: t.chain.chainId, gateway: new Wallet(config.gatewayKey as string).address as `0x${string}`, audience: AUDIENCE })) });
      return ((await res.json()) as { token: string }).token;
    };
    const token = await login(running.url);
    const answered: Array<{ seq: number; recordHash: string; nonce: string }> = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const nonce = randomId();
        try {
          const res = await fetch(`${running.url}/v1/access/data`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-imi-nonce": nonce, "x-imi-issued-at": String(Math.floor(Date.now() / 1000)) },
            body: JSON.stringify({ citizen, scopes: String(ADDRESS), purpose: P }),
          });
          const body = (await res.json()) as { receipt: { seq: number; recordHash: string } };
          if (res.status === 200) answered.push({ ...body.receipt, nonce });
        } catch {
          // the process died mid-request: that request was never answered
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    while (answered.length < 300) await new Promise((r) => setTimeout(r, 5));
    child.kill("SIGKILL");
    stop = true;
    await Promise.all(workers);
    if (child.exitCode === null && child.signalCode === null) await once(child, "exit");

    const log = await openAccessLog({ dir: join(dir.path, "accesslog"), gateway: new Wallet(config.gatewayKey as string).address });
    for (const a of answered) expect((await log.get(a.seq))?.recordHash).toBe(a.recordHash);
    expect(log.lastSeq()).toBeGreaterThanOrEqual(Math.max(...answered.map((a) => a.seq)));
    await log.close();

    running = await startChild(config);
    child = running.child;
    const token2 = await login(running.url);
    const replayed = answered.at(-1)!;
    const res = await fetch(`${running.url}/v1/access/data`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token2}`, "x-imi-nonce": replayed.nonce, "x-imi-issued-at": String(Math.floor(Date.now() / 1000)) },
      body: JSON.stringify({ citizen, scopes: String(ADDRESS), purpose: P }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe("NONCE_REUSED");
    child.kill("SIGKILL");
  }, 120_000);
});
