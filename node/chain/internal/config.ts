import { isValidAddress } from "@ethereumjs/util";
import { NodeError } from "../../NodeError.js";

/** The only EVM fork the chain runs: the one the contracts are compiled for. */
export const SUPPORTED_FORKS = ["cancun"] as const;
export type ChainFork = (typeof SUPPORTED_FORKS)[number];

/** One pre-funded or pre-deployed account in the genesis state. */
export interface GenesisAccount {
  balance?: string;
  nonce?: number;
  code?: string;
  storage?: Record<string, string>;
}

/** What defines a chain: two nodes with the same genesis are the same chain. */
export interface GenesisConfig {
  chainId: number;
  fork: ChainFork;
  /** Address of the single validator whose signature seals every block. */
  validator: string;
  /** Accounts allowed to send transactions until an AccountRules contract takes over. */
  allowlist: string[];
  /** Block gas limit (decimal string or number). Blocks are filled to half of it, see producer. */
  gasLimit: string;
  /** Unix seconds of the genesis block. */
  timestamp: number;
  alloc: Record<string, GenesisAccount>;
}

/** Inputs accepted for a genesis file; everything but the validator has a default. */
export type GenesisInput = Partial<Omit<GenesisConfig, "gasLimit">> & { validator: string; gasLimit?: string | number };

export const DEFAULT_CHAIN_ID = 7337;
/** Large enough that blocks filled to half of it (the EIP-1559 target) hold thousands of txs. */
export const DEFAULT_GAS_LIMIT = 1_000_000_000n;

/**
 * The balance a new genesis gives every allowlisted account that the alloc does not fund itself.
 * Standard clients pay a tip even at a zero base fee (Foundry's cast at least 1 wei, ethers 1 gwei
 * when the node suggests none), and a zero balance cannot pay it. On a permissioned chain a
 * balance grants nothing the allowlist does not: an account off the allowlist is refused before
 * its balance is looked at, whatever it holds. 10^30 wei pays a 1-gwei tip on a 10M-gas
 * transaction 10^14 times over.
 */
export const FEE_FLOAT_WEI = 10n ** 30n;

/** A genesis whose allowlisted accounts each hold {@link FEE_FLOAT_WEI} unless its alloc says otherwise. */
export function withFeeFloat<G extends { allowlist?: string[]; alloc?: Record<string, GenesisAccount> }>(genesis: G): G {
  const alloc: Record<string, GenesisAccount> = { ...genesis.alloc };
  const funded = new Set(Object.keys(alloc).map((a) => a.toLowerCase()));
  for (const account of genesis.allowlist ?? []) {
    if (!funded.has(account.toLowerCase())) alloc[account] = { balance: FEE_FLOAT_WEI.toString() };
  }
  return { ...genesis, alloc };
}

function configError(setting: string, problem: string, fix: string): NodeError {
  return new NodeError("CHAIN_CONFIG_INVALID", `${setting}: ${problem}. ${fix}`, { details: { setting } });
}

function checkAddress(setting: string, value: unknown): string {
  if (typeof value !== "string" || !isValidAddress(value)) {
    throw configError(setting, `${JSON.stringify(value)} is not an address`, "Use a 0x-prefixed 20-byte hex address.");
  }
  return value.toLowerCase();
}

function checkQuantityString(setting: string, value: unknown): string {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === "string" && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) return BigInt(value).toString();
  throw configError(setting, `${JSON.stringify(value)} is not a non-negative integer`, "Use a decimal or 0x hex integer.");
}

/** Validates a genesis description (file contents or library input) and fills in the defaults. */
export function parseGenesis(input: unknown): GenesisConfig {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw configError("genesis", "must be a JSON object", "See docs/chain.md for the genesis format.");
  }
  const raw = input as Record<string, unknown>;
  const known = new Set(["chainId", "fork", "validator", "allowlist", "gasLimit", "timestamp", "alloc"]);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw configError(`genesis.${key}`, "unknown setting", `Remove it; known settings: ${[...known].join(", ")}.`);
  }
  const chainId = raw.chainId ?? DEFAULT_CHAIN_ID;
  if (typeof chainId !== "number" || !Number.isSafeInteger(chainId) || chainId <= 0) {
    throw configError("genesis.chainId", `${JSON.stringify(chainId)} is not a positive integer`, "Pick a chain id unused by public networks.");
  }
  const fork = raw.fork ?? "cancun";
  if (!SUPPORTED_FORKS.includes(fork as ChainFork)) {
    throw configError("genesis.fork", `${JSON.stringify(fork)} is not supported`, `Use one of: ${SUPPORTED_FORKS.join(", ")}.`);
  }
  const validator = checkAddress("genesis.validator", raw.validator);
  const allowlistRaw = raw.allowlist ?? [];
  if (!Array.isArray(allowlistRaw)) throw configError("genesis.allowlist", "must be an array of addresses", "List the accounts allowed to send transactions.");
  const allowlist = [...new Set(allowlistRaw.map((a, i) => checkAddress(`genesis.allowlist[${i}]`, a)))];
  const gasLimit = checkQuantityString("genesis.gasLimit", raw.gasLimit ?? DEFAULT_GAS_LIMIT.toString());
  if (BigInt(gasLimit) < 10_000_000n) throw configError("genesis.gasLimit", "is below 10,000,000", "Raise it so contract deployments fit in a block.");
  const timestamp = raw.timestamp ?? 0;
  if (typeof timestamp !== "number" || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw configError("genesis.timestamp", "must be unix seconds", "Use a non-negative integer.");
  }
  const allocRaw = raw.alloc ?? {};
  if (typeof allocRaw !== "object" || allocRaw === null || Array.isArray(allocRaw)) {
    throw configError("genesis.alloc", "must be an object keyed by address", "Use { \"0x…\": { \"balance\": \"0\" } }.");
  }
  const alloc: Record<string, GenesisAccount> = {};
  for (const [address, account] of Object.entries(allocRaw as Record<string, unknown>)) {
    const key = checkAddress(`genesis.alloc.${address}`, address);
    if (typeof account !== "object" || account === null) throw configError(`genesis.alloc.${address}`, "must be an object", "Give balance, nonce, code or storage.");
    const a = account as Record<string, unknown>;
    const entry: GenesisAccount = {};
    if (a.balance !== undefined) entry.balance = checkQuantityString(`genesis.alloc.${address}.balance`, a.balance);
    if (a.nonce !== undefined) entry.nonce = Number(checkQuantityString(`genesis.alloc.${address}.nonce`, a.nonce));
    if (a.code !== undefined) {
      if (typeof a.code !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(a.code)) throw configError(`genesis.alloc.${address}.code`, "is not hex bytes", "Use 0x-prefixed runtime bytecode.");
      entry.code = a.code.toLowerCase();
    }
    if (a.storage !== undefined) {
      if (typeof a.storage !== "object" || a.storage === null) throw configError(`genesis.alloc.${address}.storage`, "must be an object", "Map 32-byte slots to 32-byte values.");
      entry.storage = {};
      for (const [slot, value] of Object.entries(a.storage as Record<string, unknown>)) {
        if (!/^0x[0-9a-fA-F]{1,64}$/.test(slot) || typeof value !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(value)) {
          throw configError(`genesis.alloc.${address}.storage`, `slot ${slot} is not 32-byte hex`, "Use 0x-prefixed hex for slots and values.");
        }
        entry.storage[slot.toLowerCase()] = value.toLowerCase();
      }
    }
    alloc[key] = entry;
  }
  return { chainId, fork: fork as ChainFork, validator, allowlist, gasLimit, timestamp, alloc };
}

/** Canonical JSON of a genesis, stored in the data directory and compared on restart. */
export function genesisToJson(genesis: GenesisConfig): string {
  return JSON.stringify(genesis, null, 2);
}

/** Limits and timings of a running node; every field has a default. */
export interface NodeSettings {
  host: string;
  port: number;
  batchDelayMs: number;
  blockIntervalMs: number;
  maxBlockTxs: number;
  txPool: { maxSize: number; maxPerSender: number };
  rpc: { maxBodyBytes: number; maxBatch: number };
}

export const DEFAULT_SETTINGS: NodeSettings = {
  host: "127.0.0.1",
  port: 8545,
  batchDelayMs: 2,
  blockIntervalMs: 0,
  // Bounds a block's transient memory (execution results, the batch) and its latency.
  maxBlockTxs: 500,
  txPool: { maxSize: 20_000, maxPerSender: 1_024 },
  rpc: { maxBodyBytes: 5 * 1024 * 1024, maxBatch: 1_024 },
};

function checkInt(setting: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw configError(setting, `${JSON.stringify(value)} is out of range`, `Use an integer from ${min} to ${max}.`);
  }
  return value;
}

/** Validates the node settings once at start-up. */
export function parseSettings(input: {
  host?: string;
  port?: number;
  batchDelayMs?: number;
  blockIntervalMs?: number;
  maxBlockTxs?: number;
  txPool?: Partial<NodeSettings["txPool"]>;
  rpc?: Partial<NodeSettings["rpc"]>;
}): NodeSettings {
  const d = DEFAULT_SETTINGS;
  const host = input.host ?? d.host;
  if (typeof host !== "string" || host.length === 0) throw configError("host", "must be a host name or IP address", "Use 127.0.0.1 unless other machines must connect.");
  return {
    host,
    port: checkInt("port", input.port ?? d.port, 0, 65_535),
    batchDelayMs: checkInt("batchDelayMs", input.batchDelayMs ?? d.batchDelayMs, 0, 10_000),
    blockIntervalMs: checkInt("blockIntervalMs", input.blockIntervalMs ?? d.blockIntervalMs, 0, 3_600_000),
    maxBlockTxs: checkInt("maxBlockTxs", input.maxBlockTxs ?? d.maxBlockTxs, 1, 100_000),
    txPool: {
      maxSize: checkInt("txPool.maxSize", input.txPool?.maxSize ?? d.txPool.maxSize, 1, 10_000_000),
      maxPerSender: checkInt("txPool.maxPerSender", input.txPool?.maxPerSender ?? d.txPool.maxPerSender, 1, 1_000_000),
    },
    rpc: {
      maxBodyBytes: checkInt("rpc.maxBodyBytes", input.rpc?.maxBodyBytes ?? d.rpc.maxBodyBytes, 1_024, 1_073_741_824),
      maxBatch: checkInt("rpc.maxBatch", input.rpc?.maxBatch ?? d.rpc.maxBatch, 1, 100_000),
    },
  };
}

export function parseAddressSetting(setting: string, value: unknown): string {
  return checkAddress(setting, value);
}
