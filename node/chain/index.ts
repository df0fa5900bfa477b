import { mkdir, readFile, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { hexToBytes, isHexString } from "@ethereumjs/util";
import { NodeError } from "../NodeError.js";
import type { PartStatus } from "../storage/StoreHealth.js";
import { ChainEngine, type RetiredRecord } from "./internal/ChainEngine.js";
import { exportState, type ExportedState } from "./internal/exportState.js";
import { parseAddressSetting, parseGenesis, parseSettings, type GenesisConfig, type GenesisInput, type NodeSettings } from "./internal/config.js";
import { addressOfKey, isValidPrivateKey, keccak256 } from "./internal/crypto.js";
import { RpcHandler } from "./internal/RpcHandler.js";
import { RpcServer } from "./internal/RpcServer.js";
import { ChainStore, keys } from "./internal/store.js";

export type { GenesisAccount, GenesisConfig, GenesisInput, NodeSettings } from "./internal/config.js";
export type { RetiredRecord } from "./internal/ChainEngine.js";
export type { AllocAccount, ExportedState } from "./internal/exportState.js";
export { DEFAULT_CHAIN_ID, DEFAULT_GAS_LIMIT, DEFAULT_SETTINGS, FEE_FLOAT_WEI, parseGenesis, withFeeFloat } from "./internal/config.js";
export { NodeError } from "../NodeError.js";

/** Everything `startChain` needs. Only `dataDir` and `validatorKey` are required. */
export interface ChainConfig {
  /** Directory of the node's LevelDB; created if missing. */
  dataDir: string;
  /** The validator's secp256k1 private key (0x hex or bytes); it seals every block. */
  validatorKey: string | Uint8Array;
  /** Genesis for a new data directory. On later starts, if given, it must equal the stored one. */
  genesis?: GenesisInput;
  /** AccountRules contract deciding who may send transactions; the genesis allowlist applies while unset or without code. */
  accountRules?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** How long a block waits to collect transactions after the first one arrives. */
  batchDelayMs?: number;
  /** Also seal (possibly empty) blocks at this interval; 0 seals only when transactions arrive. */
  blockIntervalMs?: number;
  maxBlockTxs?: number;
  txPool?: Partial<NodeSettings["txPool"]>;
  rpc?: Partial<NodeSettings["rpc"]>;
  /**
   * Offer Besu's PERM methods (perm_getAccountsAllowlist, perm_addAccountsToAllowlist,
   * perm_removeAccountsFromAllowlist) over the genesis allowlist. Only on a loopback host.
   */
  permApi?: boolean;
  /** A pino logger; defaults to pino at level "info" on stdout. */
  logger?: Logger;
}

/** A running node. */
export interface Chain {
  /** HTTP JSON-RPC endpoint. */
  readonly url: string;
  /** WebSocket JSON-RPC endpoint (same port) with eth_subscribe. */
  readonly wsUrl: string;
  readonly chainId: number;
  readonly validator: string;
  readonly genesis: GenesisConfig;
  readonly dataDir: string;
  blockNumber(): bigint;
  /** Hands transaction permissioning to an AccountRules contract (undefined returns it to the genesis allowlist). */
  setAccountRules(address: string | undefined): void;
  accountRules(): string | undefined;
  /** Whether the chain can write blocks: not after a failed write (a full disk) until it has recovered by itself, nor after block production failed (until restarted). */
  storageStatus(): PartStatus;
  /** Where the chain ended if its state moved to a successor network ({@link retireChain}); it then refuses transactions. */
  retiredAt(): RetiredRecord | undefined;
  /** Stops serving, finishes the block in progress and closes the database. */
  close(): Promise<void>;
}

function parseKey(value: string | Uint8Array): Uint8Array {
  const bytes = typeof value === "string" ? (isHexString(value, 32) ? hexToBytes(value) : undefined) : value;
  if (bytes === undefined || !isValidPrivateKey(bytes)) {
    throw new NodeError("CHAIN_CONFIG_INVALID", "validatorKey: not a valid secp256k1 private key. Give 32 bytes as 0x-prefixed hex.", {
      details: { setting: "validatorKey" },
    });
  }
  return bytes;
}

/**
 * Starts the embedded chain: opens (or creates) the data directory, checks its genesis,
 * starts block production and serves JSON-RPC. Resolves once the node is listening.
 */
export async function startChain(config: ChainConfig): Promise<Chain> {
  if (typeof config.dataDir !== "string" || config.dataDir.length === 0) {
    throw new NodeError("CHAIN_CONFIG_INVALID", "dataDir: missing. Give the directory that holds (or will hold) the chain.", { details: { setting: "dataDir" } });
  }
  const validatorKey = parseKey(config.validatorKey);
  const settings = parseSettings(config);
  const genesis = config.genesis === undefined ? undefined : parseGenesis(config.genesis);
  const accountRules = config.accountRules === undefined ? undefined : parseAddressSetting("accountRules", config.accountRules);
  const logger = (config.logger ?? pino({ level: "info" })).child({ component: "chain" });
  if (config.permApi === true && !["127.0.0.1", "::1", "localhost"].includes(settings.host)) {
    throw new NodeError("CHAIN_CONFIG_INVALID", `permApi: the PERM methods change who may send transactions; offer them on a loopback host only, not ${settings.host}`, {
      details: { setting: "permApi" },
    });
  }

  await mkdir(config.dataDir, { recursive: true });
  const store = await ChainStore.open(join(config.dataDir, "chaindata"));
  let engine: ChainEngine;
  try {
    const started = performance.now();
    engine = await ChainEngine.open(store, {
      genesis,
      validatorKey,
      accountRules,
      batchDelayMs: settings.batchDelayMs,
      blockIntervalMs: settings.blockIntervalMs,
      maxBlockTxs: settings.maxBlockTxs,
      pool: settings.txPool,
      logger,
    });
    logger.info(
      { event: "chain.opened", chainId: engine.genesis.chainId, head: Number(engine.headNumber), ms: Math.round(performance.now() - started) },
      "chain opened",
    );
  } catch (err) {
    await store.close();
    throw err;
  }
  const handler = new RpcHandler(engine, logger, { permApi: config.permApi === true });
  const server = new RpcServer(engine, handler, { host: settings.host, port: settings.port, ...settings.rpc }, logger);
  let bound: { host: string; port: number };
  try {
    bound = await server.listen();
  } catch (err) {
    await engine.close();
    await store.close();
    throw err;
  }
  const hostForUrl = bound.host.includes(":") ? `[${bound.host}]` : bound.host;
  const url = `http://${hostForUrl}:${bound.port}`;
  logger.info({ event: "chain.listening", url, validator: engine.genesis.validator }, "JSON-RPC listening");
  let closing: Promise<void> | undefined;
  return {
    url,
    wsUrl: `ws://${hostForUrl}:${bound.port}`,
    chainId: engine.genesis.chainId,
    validator: engine.genesis.validator,
    genesis: engine.genesis,
    dataDir: config.dataDir,
    blockNumber: () => engine.headNumber,
    setAccountRules: (address) => engine.setAccountRules(address === undefined ? undefined : parseAddressSetting("accountRules", address)),
    accountRules: () => engine.accountRulesAddress,
    storageStatus: () => engine.storageStatus(),
    retiredAt: () => engine.retiredAt,
    close: () => {
      closing ??= (async () => {
        await server.close();
        await engine.close();
        await store.close();
        logger.info({ event: "chain.closed", head: Number(engine.headNumber) }, "chain closed");
      })();
      return closing;
    },
  };
}

/** Reads the validator key file in `dataDir`, creating one (mode 0600) on first use. */
export async function loadOrCreateValidatorKey(file: string): Promise<Uint8Array> {
  try {
    const text = (await readFile(file, "utf8")).trim();
    return parseKey(text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  let key: Uint8Array;
  do key = new Uint8Array(randomBytes(32));
  while (!isValidPrivateKey(key));
  await writeFile(file, `0x${Buffer.from(key).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  return key;
}

/** The address of a validator (or any account) key. */
export function addressOf(privateKey: string | Uint8Array): string {
  return addressOfKey(parseKey(privateKey));
}

/**
 * Retires a stopped chain in favour of a successor network (chain `successorChainId`) and returns
 * its whole state at the head as a genesis alloc. The data directory records the block it ended
 * at; from then on the node serves reads but refuses every transaction (`CHAIN_RETIRED`), so
 * nothing is written here that the successor's genesis does not hold. Refused while a running
 * node holds the directory, or while its pool holds acknowledged transactions no block has
 * sealed yet (start the node once so it seals them, stop it, and retire again). Retiring again
 * gives the same state; a different successor is refused.
 */
export async function retireChain(options: { dataDir: string; successorChainId: number }): Promise<{ state: ExportedState; retired: RetiredRecord }> {
  if (!Number.isSafeInteger(options.successorChainId) || options.successorChainId <= 0) {
    throw new NodeError("CHAIN_CONFIG_INVALID", "successorChainId: give a positive integer chain id", { details: { setting: "successorChainId" } });
  }
  const store = await ChainStore.open(join(options.dataDir, "chaindata"));
  try {
    const genesisBytes = await store.get(keys.meta("genesis"));
    if (genesisBytes === undefined) throw new NodeError("CHAIN_GENESIS_MISSING", `${options.dataDir} holds no chain`);
    const genesis = JSON.parse(new TextDecoder().decode(genesisBytes)) as GenesisConfig;
    if (options.successorChainId === genesis.chainId) {
      throw new NodeError("CHAIN_CONFIG_INVALID", `successorChainId: ${genesis.chainId} is this chain's own id; the successor needs its own so no transaction signed for one replays on the other`, {
        details: { setting: "successorChainId" },
      });
    }
    const storedRetired = await store.get(keys.meta("retired"));
    const previous = storedRetired === undefined ? undefined : (JSON.parse(new TextDecoder().decode(storedRetired)) as RetiredRecord);
    if (previous !== undefined && previous.successorChainId !== options.successorChainId) {
      throw new NodeError("CHAIN_RETIRED", `this chain was already retired for chain ${previous.successorChainId}`, { details: { successorChainId: previous.successorChainId } });
    }
    for await (const [, raw] of store.level.iterator(keys.poolRange())) {
      if ((await store.get(keys.tx(keccak256(raw)))) === undefined) {
        throw new NodeError("CHAIN_POOL_NOT_EMPTY", "the node stopped with acknowledged transactions not yet in a block: start it once so it seals them, stop it, and retire again");
      }
    }
    const state = await exportState(store, genesis);
    const retired: RetiredRecord = previous ?? {
      block: state.block,
      blockHash: state.blockHash,
      stateRoot: state.stateRoot,
      successorChainId: options.successorChainId,
      at: new Date().toISOString(),
    };
    if (previous === undefined) await store.writeSynced([{ type: "put", key: keys.meta("retired"), value: new TextEncoder().encode(JSON.stringify(retired)) }]);
    return { state, retired };
  } finally {
    await store.close();
  }
}
