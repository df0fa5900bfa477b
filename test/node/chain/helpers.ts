// Starts real nodes for the chain tests: a real LevelDB in a temp directory, JSON-RPC on a random
// loopback port, and ethers v6 set up the way instant-mining chains need (no request cache).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { JsonRpcProvider, Wallet } from "ethers";
import { startChain, type Chain, type ChainConfig, type GenesisInput } from "../../../node/chain/index.js";

export const quietLogger = pino({ level: "silent" });

export interface TestChain {
  chain: Chain;
  dir: string;
  validator: Wallet;
  provider: JsonRpcProvider;
  /** Accounts in the genesis allowlist. */
  wallets: Wallet[];
  rpc(method: string, params?: unknown[]): Promise<RpcReply>;
  post(body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; json: unknown }>;
  restart(overrides?: Partial<ChainConfig>): Promise<Chain>;
  cleanup(): Promise<void>;
}

export type RpcReply = { result?: unknown; error?: { code: number; message: string; data?: unknown } };

export function providerFor(url: string): JsonRpcProvider {
  return new JsonRpcProvider(url, undefined, { cacheTimeout: -1, staticNetwork: true, pollingInterval: 20 });
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "imi-chain-test-"));
}

export async function startTestChain(
  options: { accounts?: number; fund?: boolean; genesis?: Partial<GenesisInput>; config?: Partial<ChainConfig> } = {},
): Promise<TestChain> {
  const dir = await makeTempDir();
  const validator = Wallet.createRandom() as unknown as Wallet;
  const wallets = Array.from({ length: options.accounts ?? 4 }, () => Wallet.createRandom() as unknown as Wallet);
  const genesis: GenesisInput = {
    validator: validator.address,
    allowlist: wallets.map((w) => w.address),
    alloc: options.fund === true ? Object.fromEntries(wallets.map((w) => [w.address, { balance: (10n ** 21n).toString() }])) : {},
    ...options.genesis,
  };
  const base: ChainConfig = { dataDir: dir, validatorKey: validator.privateKey, port: 0, genesis, logger: quietLogger, ...options.config };
  let chain = await startChain(base);
  let provider = providerFor(chain.url);
  const t: TestChain = {
    get chain() {
      return chain;
    },
    dir,
    validator,
    get provider() {
      return provider;
    },
    wallets: wallets.map((w) => w.connect(provider)),
    async rpc(method, params = []) {
      const res = await fetch(chain.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
      return (await res.json()) as RpcReply;
    },
    async post(body, headers = {}) {
      const res = await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : new Uint8Array(body) });
      const text = await res.text();
      return { status: res.status, json: text.length > 0 ? JSON.parse(text) : undefined };
    },
    async restart(overrides = {}) {
      provider.destroy();
      await chain.close();
      chain = await startChain({ ...base, ...overrides });
      provider = providerFor(chain.url);
      t.wallets = wallets.map((w) => w.connect(provider));
      return chain;
    },
    async cleanup() {
      provider.destroy();
      await chain.close();
      await rm(dir, { recursive: true, force: true });
    },
  } as TestChain;
  Object.defineProperty(t, "wallets", { value: wallets.map((w) => w.connect(provider)), writable: true });
  return t;
}
