// A gateway over a real chain (Hardhat's in-process network), a real index, vault, access log and
// nonce store in a temp directory. The index syncs only when a test says so, so "behind" is exact.
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { HDNodeWallet, Mnemonic, ZeroHash, parseEther } from "ethers";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { Logger } from "pino";
import { deployImi, type ImiFixture } from "../../helpers/deployImi.js";
import { privateKeyToAccount, type LocalAccount } from "@imi-ledger/sdk";
import { signAgencyLogin } from "@imi-ledger/sdk";
import { agencyRequestHeaders, signAgencyRequest } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { buildApp } from "../../../node/gateway/app.js";
import type { GatewayLimits } from "../../../node/gateway/config.js";
import { NonceStore } from "../../../node/gateway/internal/NonceStore.js";
import { openAccessLog, type AccessLog } from "../../../node/gateway/internal/accessLog.js";
import { LevelVault, type Departments, type Vault } from "../../../node/vault/index.js";
import type { Indexer } from "../../../node/indexer/index.js";
import { contractsOf, indexerFor, randomId, tempDir, transportOf } from "../indexer/helpers.js";

export const AUDIENCE = "https://gateway.test.example";
const MNEMONIC = "test test test test test test test test test test test junk";

/** Hardhat's default accounts as local keys (the SDK signs with local keys). */
export function localKeyOf(address: string): LocalAccount {
  const mnemonic = Mnemonic.fromPhrase(MNEMONIC);
  for (let i = 0; i < 40; i++) {
    const w = HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${i}`);
    if (w.address.toLowerCase() === address.toLowerCase()) return privateKeyToAccount(w.privateKey as Hex);
  }
  throw new Error(`no default key for ${address}`);
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export async function createHarness() {
  const f: ImiFixture = await deployImi();
  const dir = await tempDir("gateway");
  const contracts = await contractsOf(f);
  const indexer: Indexer = await indexerFor(f, join(dir.path, "index"));
  const gatewayAccount = privateKeyToAccount(`0x${randomBytes(32).toString("hex")}` as Hex);
  await (await f.accounts.deployer.sendTransaction({ to: gatewayAccount.address, value: parseEther("100") })).wait();
  // As a deployed gateway: it counts limited consents' uses on chain, and its signed answers check out.
  await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(5n, gatewayAccount.address, 0)).wait();
  const masterKey = new Uint8Array(randomBytes(32));
  const vault: Vault = await LevelVault.open({ dir: join(dir.path, "vault"), masterKey });
  const accessLog: AccessLog = await openAccessLog({ dir: join(dir.path, "accesslog"), gateway: gatewayAccount.address });
  let nonces = await NonceStore.inAccessLog(accessLog);
  const clock = { offsetMs: 0 };
  /** Chain time and gateway time agree (Hardhat's clock moves with increaseTime). */
  const syncClock = async () => {
    clock.offsetMs = (await f.now()) * 1000 - Date.now();
  };
  await syncClock();
  const now = () => Date.now() + clock.offsetMs;
  /** Moves the gateway's clock only (sessions, timestamps), not the chain's. */
  const shiftClock = (ms: number) => {
    clock.offsetMs += ms;
  };
  const deployment = {
    chainId: Number(f.chainId),
    contracts: {
      identityRegistry: contracts.identityRegistry as Hex,
      consentRegistry: contracts.consentRegistry as Hex,
      credentialRegistry: contracts.credentialRegistry as Hex,
      accessLog: contracts.accessLog as Hex,
      accessManager: contracts.accessManager as Hex,
    },
  };
  const apps: FastifyInstance[] = [];

  async function app(limits: Partial<GatewayLimits> = {}, overrides: { vault?: Vault; accessLog?: AccessLog; nonces?: NonceStore; logger?: Logger; account?: LocalAccount; departments?: Departments } = {}) {
    const a = await buildApp({
      chainId: Number(f.chainId),
      audience: AUDIENCE,
      deployment,
      indexer,
      vault: overrides.vault ?? vault,
      accessLog: overrides.accessLog ?? accessLog,
      nonces: overrides.nonces ?? nonces,
      account: overrides.account ?? gatewayAccount,
      rpc: transportOf(f),
      limits: { maxHeadAgeMs: 3_600_000, rateLimitPerMinute: 100_000, ...limits },
      now,
      logger: overrides.logger ?? false,
      docs: true,
      ...(overrides.departments && { departments: overrides.departments }),
    });
    apps.push(a);
    return a;
  }

  const keys = {
    agency: localKeyOf(f.accounts.agency.address),
    agency2: localKeyOf(f.accounts.agency2.address),
    registrar: localKeyOf(f.accounts.registrar.address),
    auditor: localKeyOf(f.accounts.auditor.address),
    issuer: localKeyOf(f.accounts.issuer.address),
    governor: localKeyOf(f.accounts.governor.address),
    outsider: localKeyOf(f.accounts.others[9].address),
  };

  async function login(a: FastifyInstance, key: LocalAccount): Promise<string> {
    const res = await a.inject({ method: "POST", url: "/v1/auth/login", payload: signAgencyLogin(key, { chainId: f.chainId, gateway: gatewayAccount.address, audience: AUDIENCE, issuedAt: Math.floor(now() / 1000) }) });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
    return res.json().token as string;
  }

  /** A data or predicate request with a session token; fresh nonce unless given. */
  function withSession(a: FastifyInstance, token: string, url: string, payload: Record<string, unknown>, extra: { nonce?: string; issuedAt?: number } = {}): Promise<LightMyRequestResponse> {
    return a.inject({
      method: "POST",
      url,
      headers: { authorization: `Bearer ${token}`, "x-imi-nonce": extra.nonce ?? randomId(), "x-imi-issued-at": String(extra.issuedAt ?? Math.floor(now() / 1000)) },
      payload,
    });
  }

  /** The same request signed per request (the SDK's wire format). */
  function signed(a: FastifyInstance, key: LocalAccount, url: string, payload: { citizen: string; scopes: string; purpose: string; grantId?: string } & Record<string, unknown>, extra: { tamper?: (body: string) => string; nonce?: Hex; gateway?: Hex } = {}) {
    const body = JSON.stringify(payload);
    const s = signAgencyRequest(key, {
      chainId: f.chainId,
      gateway: extra.gateway ?? gatewayAccount.address,
      citizen: payload.citizen as Hex,
      scopes: payload.scopes,
      purpose: payload.purpose as Hex,
      grantId: (payload.grantId ?? ZeroHash) as Hex,
      method: "POST",
      path: url,
      body,
      nonce: extra.nonce,
      issuedAt: Math.floor(now() / 1000),
    });
    return a.inject({ method: "POST", url, headers: { "content-type": "application/json", ...agencyRequestHeaders(s) }, payload: extra.tamper ? extra.tamper(body) : body });
  }

  async function reopenNonces(): Promise<NonceStore> {
    await nonces.close();
    nonces = await NonceStore.inAccessLog(accessLog);
    return nonces;
  }

  async function close() {
    for (const a of apps) await a.close();
    await indexer.close();
    await vault.close();
    await accessLog.close().catch(() => undefined);
    await nonces.close().catch(() => undefined);
    await dir.remove();
  }

  return { f, dir, contracts, deployment, indexer, vault, accessLog, gatewayAccount, keys, now, syncClock, shiftClock, app, login, withSession, signed, reopenNonces, nonces: () => nonces, close };
}
