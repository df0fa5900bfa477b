import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import { Block, createBlockFromRLP, createBlockHeader, type BlockHeader, type HeaderData } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { Caches, CacheType, MerkleStateManager } from "@ethereumjs/statemanager";
import { Capability, createTx, createTxFromRLP, TransactionType, type TypedTransaction } from "@ethereumjs/tx";
import {
  Account,
  Address,
  bigIntToUnpaddedBytes,
  bytesToBigInt,
  bytesToHex,
  createAddressFromString,
  createZeroAddress,
  equalsBytes,
  hexToBytes,
  KECCAK256_RLP,
  setLengthLeft,
  ValueEncoding,
} from "@ethereumjs/util";
import { Bloom, createVM, encodeReceipt, runTx, type RunTxResult, type VM } from "@ethereumjs/vm";
import { NodeError } from "../../NodeError.js";
import { StoreHealth, type PartStatus } from "../../storage/StoreHealth.js";
import { decodeReceipts, encodeReceipts, sealHeader, sealSigner, type StoredReceipt } from "./blocks.js";
import { genesisToJson, type GenesisConfig } from "./config.js";
import { addressOfKey, createChainCommon, initHashing } from "./crypto.js";
import { installJumpAnalysisCache } from "./jumpAnalysisCache.js";
import { listRoot } from "./listRoot.js";
import { Mutex } from "./Mutex.js";
import { ChainStore, GroupWriter, keys, readU64, StateDB, u64, type WriteOp } from "./store.js";
import { TxPool, type PoolTx, type TxPoolLimits } from "./TxPool.js";

/** What the data directory records when the chain's state moved to a successor network. */
export interface RetiredRecord {
  block: number;
  blockHash: string;
  stateRoot: string;
  successorChainId: number;
  /** ISO time of the export. */
  at: string;
}

export interface EngineOptions {
  /** Required on first start; on later starts it must match the stored one. */
  genesis: GenesisConfig | undefined;
  validatorKey: Uint8Array;
  accountRules: string | undefined;
  batchDelayMs: number;
  blockIntervalMs: number;
  maxBlockTxs: number;
  pool: TxPoolLimits;
  logger: Logger;
}

/** A block with what serving it needs: its hash, receipts and recovered senders. */
export interface BlockRecord {
  block: Block;
  hash: Uint8Array;
  receipts: StoredReceipt[];
  senders: Uint8Array[];
}

export interface CallRequest {
  from?: string;
  to?: string;
  data?: Uint8Array;
  value?: bigint;
  gas?: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  accessList?: { address: string; storageKeys: string[] }[];
  nonce?: bigint;
}

/** eth_call's third parameter for one account: applied to a throwaway copy of the state, never persisted. */
export interface AccountOverride {
  balance?: bigint;
  nonce?: bigint;
  code?: Uint8Array;
  /** Replaces the account's whole storage. */
  state?: [Uint8Array, Uint8Array][];
  /** Changes only the slots given. */
  stateDiff?: [Uint8Array, Uint8Array][];
}

/** Overrides by lower-case address. */
export type StateOverride = Map<string, AccountOverride>;

export interface LogFilter {
  fromBlock: bigint;
  toBlock: bigint;
  addresses: Uint8Array[];
  topics: (Uint8Array[] | null)[];
}

export interface FoundLog {
  log: [Uint8Array, Uint8Array[], Uint8Array];
  record: BlockRecord;
  blockNumber: bigint;
  blockHash: Uint8Array;
  txHash: Uint8Array;
  txIndex: number;
  logIndex: number;
}

/** Largest transaction accepted, in bytes (geth's limit). */
const MAX_TX_BYTES = 128 * 1024;
/** How far ahead of the account nonce a queued transaction may be. */
const MAX_NONCE_GAP = 1024n;
/** Blocks kept decoded in memory for fast receipts, bounded by their total transactions. */
const RECENT_MAX_BLOCKS = 32;
const RECENT_MAX_TXS = 2_000;
/** Most blocks one eth_getLogs may scan without an address filter. */
export const MAX_LOG_BLOCK_RANGE = 10_000n;
const ZERO32 = new Uint8Array(32);

/**
 * The chain: one VM over a Merkle state in LevelDB, a pool, a block producer that seals and
 * persists each block in one synced batch, and the reads the JSON-RPC layer serves.
 */
export class ChainEngine extends EventEmitter<{ block: [BlockRecord]; fatal: [Error]; pending: [string] }> {
  readonly common: Common;
  readonly chainId: bigint;
  readonly validator: Address;
  readonly genesis: GenesisConfig;
  readonly pool: TxPool;
  private readonly store: ChainStore;
  /** Synced record of the pool: what eth_sendRawTransaction acknowledged survives a crash. */
  private readonly poolJournal: GroupWriter;
  private readonly stateDb: StateDB;
  private readonly vm: VM;
  /** The producer's state caches; see the trimming after each block. */
  private readonly caches: Caches;
  private txsSinceTrim = 0;
  private readonly opts: EngineOptions;
  private readonly lock = new Mutex();
  private readonly log: Logger;
  private readonly allowlist: Set<string>;
  private accountRules: Address | undefined;
  /**
   * Bumped whenever permissioning may have changed: the rules contract was set, or a block ran a
   * transaction that called it or logged from it. A pooled transaction admitted under an older
   * version is checked again before it runs, so a sender disallowed after admission gets nothing
   * more into a block.
   */
  private rulesVersion = 0;
  /** The durable head: the newest block whose batch is synced; everything served stops here. */
  private headRecord: BlockRecord;
  /** The newest sealed block, parent of the next one; it may still be on its way to disk. */
  private sealedRecord: BlockRecord;
  /** Transactions of sealed blocks that are not durable yet (no longer pooled, not yet served). */
  readonly sealing = new Map<string, PoolTx>();
  private writeTail: Promise<void> = Promise.resolve();
  private writesInFlight = 0;
  private reader: { hash: Uint8Array; vm: Promise<VM>; lock: Mutex } | undefined;
  private readonly recent = new Map<bigint, BlockRecord>();
  private recentTxCount = 0;
  private readonly recentTx = new Map<string, { number: bigint; index: number }>();
  private readonly diskCache = new Map<bigint, BlockRecord>();
  private scheduled: NodeJS.Timeout | undefined;
  private interval: NodeJS.Timeout | undefined;
  private producing = false;
  private arrivedWhileProducing = false;
  private closed = false;
  private failed: Error | undefined;
  /** Set when the chain's state was exported to a successor network: it seals and admits nothing more. */
  private retired: RetiredRecord | undefined;
  /** Block hashes BLOCKHASH has looked up; sealed blocks that never reached disk are dropped from it. */
  private blockHashes = new Map<number, Uint8Array>();
  /**
   * The chain's database after a failed write (a full disk): transactions are refused until the
   * engine has gone back to the durable head, reopened the database and restored the pool.
   */
  private readonly health: StoreHealth;

  private constructor(args: {
    common: Common;
    genesis: GenesisConfig;
    store: ChainStore;
    stateDb: StateDB;
    vm: VM;
    head: BlockRecord;
    opts: EngineOptions;
    caches: Caches;
  }) {
    super();
    this.common = args.common;
    this.chainId = BigInt(args.genesis.chainId);
    this.genesis = args.genesis;
    this.validator = createAddressFromString(args.genesis.validator);
    this.store = args.store;
    this.poolJournal = new GroupWriter(args.store);
    this.stateDb = args.stateDb;
    this.vm = args.vm;
    this.caches = args.caches;
    this.opts = args.opts;
    this.log = args.opts.logger;
    this.headRecord = args.head;
    this.sealedRecord = args.head;
    this.allowlist = new Set(args.genesis.allowlist);
    this.accountRules = args.opts.accountRules === undefined ? undefined : createAddressFromString(args.opts.accountRules);
    this.pool = new TxPool(args.opts.pool);
    this.remember(args.head);
    this.health = new StoreHealth({
      part: "chain",
      code: "CHAIN_STORAGE_UNAVAILABLE",
      message: "the chain cannot write blocks; transactions are refused until its disk has room again",
      recover: () => this.recoverStorage(),
      logger: this.log,
    });
    this.store.onWriteFailure = (cause) => this.storageFailed(cause);
  }

  /** The chain's storage, as readiness reports it. */
  storageStatus(): PartStatus {
    return this.health.status();
  }

  private storageFailed(cause: unknown): void {
    this.failed ??= new NodeError("CHAIN_STORAGE_UNAVAILABLE", "the chain's database could not be written", { cause });
    this.health.fail(cause);
  }

  /**
   * Back to a writable chain after a storage failure: with no block in production and no write
   * in flight, reopen the database (once the disk has room), take the durable head from it, put
   * the state back to that head, forget sealed blocks that never reached disk and rebuild the
   * pool from its records on disk (which still hold the transactions of those blocks, since the
   * batches that would have removed them failed too). Nothing acknowledged is lost: a
   * transaction is acknowledged only once its pool record is synced, and a block is served only
   * once its batch is.
   */
  private async recoverStorage(): Promise<void> {
    if (this.closed) throw new NodeError("CHAIN_CLOSED", "the node is shutting down");
    const before = this.headNumber;
    await this.lock.run(async () => {
      while (this.writesInFlight > 0) await this.writeTail;
      await this.poolJournal.idle();
      await this.store.reopen();
      const headBytes = await this.store.get(keys.meta("head"));
      if (headBytes === undefined) throw new NodeError("CHAIN_STORE_CORRUPT", "the chain database has no head block");
      const head = await readBlockRecord(this.store, this.common, readU64(headBytes), this.genesis.validator);
      await this.vm.stateManager.setStateRoot(head.block.header.stateRoot);
      this.stateDb.reset();
      for (const [number, old] of [...this.recent]) {
        if (number <= head.block.header.number) continue;
        this.recent.delete(number);
        this.recentTxCount -= old.block.transactions.length;
        for (const tx of old.block.transactions) {
          const key = bytesToHex(tx.hash());
          if (this.recentTx.get(key)?.number === number) this.recentTx.delete(key);
        }
      }
      this.blockHashes.clear();
      this.sealing.clear();
      this.pool.clear();
      this.reader = undefined;
      this.headRecord = head;
      this.sealedRecord = head;
      if (!this.recent.has(head.block.header.number)) this.remember(head);
      // Blocks rolled back may have changed permissioning: pooled transactions are checked again.
      this.rulesVersion++;
    });
    // Outside the lock: admitting a transaction may run the AccountRules contract under it.
    await this.restorePool();
    this.failed = undefined;
    // A batch that failed can still have reached the disk whole (the sync, not the write, failed):
    // then its block is the durable head now, and followers hear of it like of any other.
    for (let n = before + 1n; n <= this.headNumber; n++) {
      const record = await this.blockByNumber(n);
      if (record) this.emit("block", record);
    }
    this.log.info({ event: "chain.storage_recovered", head: Number(this.headNumber), pooled: this.pool.size }, "the chain writes blocks again");
    this.scheduleBlock();
  }

  static async open(store: ChainStore, opts: EngineOptions): Promise<ChainEngine> {
    await installJumpAnalysisCache();
    await initHashing();
    const storedGenesis = await store.get(keys.meta("genesis"));
    const stateDb = new StateDB(store);
    let genesis: GenesisConfig;
    if (storedGenesis === undefined) {
      if (opts.genesis === undefined) {
        throw new NodeError("CHAIN_GENESIS_MISSING", "the data directory holds no chain and no genesis was given: pass a genesis to create one");
      }
      genesis = opts.genesis;
    } else {
      genesis = JSON.parse(new TextDecoder().decode(storedGenesis)) as GenesisConfig;
      if (opts.genesis !== undefined) await checkSameGenesis(genesis, opts.genesis, store);
    }
    const validatorAddress = addressOfKey(opts.validatorKey);
    if (validatorAddress !== genesis.validator) {
      throw new NodeError(
        "CHAIN_VALIDATOR_MISMATCH",
        `validator key: it belongs to ${validatorAddress}, but this chain's validator is ${genesis.validator}. Start the node with the validator's key.`,
      );
    }
    const common = createChainCommon(genesis.chainId);
    const trie = new MerklePatriciaTrie({ db: stateDb, useKeyHashing: true, valueEncoding: ValueEncoding.Bytes, cacheSize: 10_000, common });
    const caches = new Caches({
      account: { type: CacheType.LRU, size: 20_000 },
      storage: { type: CacheType.LRU, size: 1_000 },
      code: { type: CacheType.LRU, size: 1_000 },
    });
    const stateManager = new MerkleStateManager({ common, trie, caches });
    let head: BlockRecord;
    if (storedGenesis === undefined) {
      head = await writeGenesis(genesis, common, stateManager, stateDb, store);
    } else {
      const headBytes = await store.get(keys.meta("head"));
      if (headBytes === undefined) throw new NodeError("CHAIN_STORE_CORRUPT", "the chain database has a genesis but no head block");
      const number = readU64(headBytes);
      head = await readBlockRecord(store, common, number, genesis.validator);
      await stateManager.setStateRoot(head.block.header.stateRoot);
    }
    let engine: ChainEngine | undefined;
    // BLOCKHASH reads recent block hashes through this minimal blockchain.
    const blockchain = {
      getBlock: async (n: number) => {
        const hashCache = engine!.blockHashes;
        let hash = hashCache.get(n);
        if (hash === undefined) {
          const rec = await engine!.sealedBlock(BigInt(n));
          hash = rec?.hash ?? ZERO32;
          if (hashCache.size > 512) hashCache.clear();
          hashCache.set(n, hash);
        }
        const h = hash;
        return { hash: () => h };
      },
      putBlock: async () => {},
      shallowCopy() {
        return this;
      },
    };
    const vm = await createVM({ common, stateManager, blockchain });
    engine = new ChainEngine({ common, genesis, store, stateDb, vm, head, opts, caches });
    // Changes made through the PERM methods outlive a restart, as Besu's allowlist file does.
    const localAllowlist = await store.get(keys.meta("allowlist"));
    if (localAllowlist !== undefined) {
      engine.allowlist.clear();
      for (const account of JSON.parse(new TextDecoder().decode(localAllowlist)) as string[]) engine.allowlist.add(account);
    }
    const retired = await store.get(keys.meta("retired"));
    if (retired !== undefined) {
      engine.retired = JSON.parse(new TextDecoder().decode(retired)) as RetiredRecord;
      return engine;
    }
    await engine.restorePool();
    engine.startInterval();
    return engine;
  }

  get head(): BlockRecord {
    return this.headRecord;
  }

  get headNumber(): bigint {
    return this.headRecord.block.header.number;
  }

  get gasTarget(): bigint {
    return this.headRecord.block.header.gasLimit / 2n;
  }

  get accountRulesAddress(): string | undefined {
    return this.accountRules?.toString();
  }

  /** The node's own allowlist (the genesis one, as changed through the PERM methods), sorted. */
  localAllowlist(): string[] {
    return [...this.allowlist].sort();
  }

  /**
   * Adds or removes accounts of the node's own allowlist, as Besu's perm_addAccountsToAllowlist /
   * perm_removeAccountsFromAllowlist do: the whole request is refused, nothing changed, if it
   * repeats an account, adds one already listed or removes one not listed. Durable before it answers.
   */
  async changeLocalAllowlist(accounts: string[], add: boolean): Promise<void> {
    this.assertRunning();
    if (new Set(accounts).size !== accounts.length) throw new NodeError("CHAIN_PERM_DUPLICATE_ENTRY", "the request names an account more than once");
    for (const account of accounts) {
      if (this.allowlist.has(account) === add) {
        throw new NodeError(add ? "CHAIN_PERM_EXISTING_ENTRY" : "CHAIN_PERM_ABSENT_ENTRY", `${account} is ${add ? "already" : "not"} on the allowlist`, { details: { account } });
      }
    }
    const next = new Set(this.allowlist);
    for (const account of accounts) {
      if (add) next.add(account);
      else next.delete(account);
    }
    await this.store.writeSynced([{ type: "put", key: keys.meta("allowlist"), value: new TextEncoder().encode(JSON.stringify([...next].sort())) }]);
    this.allowlist.clear();
    for (const account of next) this.allowlist.add(account);
    // Pooled transactions admitted under the old list are checked again before they run.
    this.rulesVersion++;
    this.log.info({ event: "chain.allowlist_changed", added: add ? accounts : [], removed: add ? [] : accounts }, "local allowlist changed");
  }

  setAccountRules(address: string | undefined): void {
    this.accountRules = address === undefined ? undefined : createAddressFromString(address);
    this.rulesVersion++;
    this.log.info({ event: "chain.account_rules", address: address ?? null }, "account rules contract set");
  }

  // ---------------------------------------------------------------- transactions in

  /**
   * Admits a signed transaction to the pool; returns its hash once the transaction is recorded
   * on disk, so a crash before its block is sealed does not lose it. Refusals write nothing.
   */
  async sendRawTransaction(raw: Uint8Array): Promise<string> {
    this.assertRunning();
    const { entry, replaced, evicted } = await this.admit(raw);
    const ops: WriteOp[] = [{ type: "put", key: keys.pool(entry.tx.hash()), value: raw }];
    for (const gone of [replaced, evicted]) if (gone !== undefined) ops.push({ type: "del", key: keys.pool(gone.tx.hash()) });
    this.scheduleBlock();
    try {
      await this.poolJournal.write(ops);
    } catch (cause) {
      // Not acknowledged: take it back unless a block already holds it.
      this.pool.remove(entry);
      if (!this.health.ok) throw this.health.error(cause);
      throw new NodeError("CHAIN_WRITE_FAILED", "the transaction could not be recorded on disk", { cause });
    }
    this.emit("pending", entry.hash);
    return entry.hash;
  }

  /** Re-admits what the pool held when the node stopped; what is no longer valid is dropped. */
  private async restorePool(): Promise<void> {
    const stale: WriteOp[] = [];
    let restored = 0;
    for await (const [k, raw] of this.store.level.iterator(keys.poolRange())) {
      try {
        await this.admit(raw);
        restored++;
      } catch (err) {
        stale.push({ type: "del", key: k });
        const reason = err instanceof NodeError ? err.code : (err as Error).message;
        // Mined before the crash (its pool record outlived it) is the usual reason, and harmless.
        if (reason !== "CHAIN_TX_NONCE_TOO_LOW") this.log.warn({ event: "chain.tx_not_restored", reason }, "pooled transaction not restored");
      }
    }
    if (stale.length > 0) await this.store.writeSynced(stale);
    if (restored > 0) {
      this.log.info({ event: "chain.pool_restored", restored }, "pooled transactions restored");
      this.scheduleBlock();
    }
  }

  /** The admission checks; adds the transaction to the pool. */
  private async admit(raw: Uint8Array): Promise<{ entry: PoolTx; replaced?: PoolTx; evicted?: PoolTx }> {
    if (raw.length > MAX_TX_BYTES) throw new NodeError("CHAIN_TX_OVERSIZED", `oversized data: transaction of ${raw.length} bytes exceeds ${MAX_TX_BYTES}`);
    const tx = decodeTransaction(raw, this.common, this.chainId);
    const hash = bytesToHex(tx.hash());
    let sender: Address;
    try {
      if (!tx.isSigned()) throw new Error("unsigned");
      sender = tx.getSenderAddress();
    } catch (cause) {
      throw new NodeError("CHAIN_TX_INVALID_SIGNATURE", "invalid transaction signature", { cause });
    }
    const from = sender.toString();
    // A mined duplicate is refused below as "nonce too low"; only the pool needs a lookup.
    if (this.pool.has(hash)) throw new NodeError("CHAIN_TX_KNOWN", "already known", { details: { hash } });
    const intrinsic = tx.getIntrinsicGas();
    if (tx.gasLimit < intrinsic) {
      throw new NodeError("CHAIN_TX_INTRINSIC_GAS", `intrinsic gas too low: gas ${tx.gasLimit}, minimum needed ${intrinsic}`);
    }
    if (tx.gasLimit > this.gasTarget) {
      throw new NodeError("CHAIN_TX_GAS_LIMIT", `exceeds block gas limit: gas ${tx.gasLimit} is above the block gas target ${this.gasTarget}`);
    }
    // Admission reads state without the lock: reads never disturb the VM's checkpoints, and a
    // nonce read while a block executes only sees transactions that are already being mined.
    // Only an AccountRules call runs EVM code, and that must not interleave with a block.
    // Read first: a change while the check runs leaves the entry on an older version (checked again).
    const rulesVersion = this.rulesVersion;
    const rules = await this.activeAccountRules();
    const allowed = rules === undefined ? { ok: this.allowlist.has(from), by: "genesis allowlist" } : await this.lock.run(() => this.rulesAllow(rules, tx, sender));
    if (!allowed.ok) {
      throw new NodeError("CHAIN_TX_NOT_ALLOWED", `sender account not authorized to send transactions: ${from} is not allowed by the ${allowed.by}`, {
        details: { from, by: allowed.by },
      });
    }
    const account = (await this.vm.stateManager.getAccount(sender)) ?? new Account();
    if (tx.nonce < account.nonce) {
      throw new NodeError("CHAIN_TX_NONCE_TOO_LOW", `nonce too low: next nonce ${account.nonce}, tx nonce ${tx.nonce}`);
    }
    if (tx.nonce > account.nonce + MAX_NONCE_GAP) {
      throw new NodeError("CHAIN_TX_NONCE_TOO_HIGH", `nonce too high: next nonce ${account.nonce}, tx nonce ${tx.nonce}`);
    }
    const cost = tx.getUpfrontCost(0n);
    if (account.balance < cost) {
      throw new NodeError("CHAIN_TX_INSUFFICIENT_FUNDS", `insufficient funds for gas * price + value: balance ${account.balance}, tx cost ${cost}`);
    }
    if (this.pool.has(hash)) throw new NodeError("CHAIN_TX_KNOWN", "already known", { details: { hash } });
    const entry: PoolTx = { tx, hash, from, nonce: tx.nonce, ...feeFields(tx), rulesVersion };
    const { replaced, evicted } = this.pool.add(entry, account.nonce);
    if (replaced !== undefined) this.log.info({ event: "chain.tx_replaced", hash, replaced: replaced.hash }, "transaction replaced");
    if (evicted !== undefined) this.log.warn({ event: "chain.tx_evicted", hash: evicted.hash, by: hash }, "queued transaction evicted for an executable one");
    return { entry, replaced, evicted };
  }

  /**
   * Whether the account permissioning allows the transaction, on the producer's state. The caller
   * holds the lock (an AccountRules call runs EVM code, which must not interleave with a block).
   */
  private async permitted(tx: TypedTransaction, sender: Address, from: string): Promise<{ ok: boolean; by: string }> {
    const rules = await this.activeAccountRules();
    return rules === undefined ? { ok: this.allowlist.has(from), by: "genesis allowlist" } : this.rulesAllow(rules, tx, sender);
  }

  /** The AccountRules contract when one is set and has code; otherwise the genesis allowlist applies. */
  private async activeAccountRules(): Promise<Address | undefined> {
    const rules = this.accountRules;
    if (rules === undefined) return undefined;
    const code = await this.vm.stateManager.getCode(rules);
    return code.length > 0 ? rules : undefined;
  }

  /** Whether an executed transaction may have changed permissioning: it called or logged from the rules contract. */
  private touchesRules(tx: TypedTransaction, res: RunTxResult): boolean {
    const rules = this.accountRules;
    if (rules === undefined) return false;
    if (tx.to !== undefined && tx.to.equals(rules)) return true;
    return res.receipt.logs.some(([address]) => equalsBytes(address, rules.bytes));
  }

  private async rulesAllow(rules: Address, tx: TypedTransaction, sender: Address): Promise<{ ok: boolean; by: string }> {
    // transactionAllowed(address,address,uint256,uint256,uint256,bytes): Besu's account permissioning interface.
    const selector = hexToBytes("0x936421d5");
    const gasPrice = "gasPrice" in tx ? (tx.gasPrice as bigint) : (tx as { maxFeePerGas: bigint }).maxFeePerGas;
    const word = (v: bigint | Uint8Array) => setLengthLeft(typeof v === "bigint" ? bigIntToUnpaddedBytes(v) : v, 32);
    const payload = tx.data;
    const padded = new Uint8Array(Math.ceil(payload.length / 32) * 32);
    padded.set(payload);
    const data = concat([
      selector,
      word(sender.bytes),
      word(tx.to?.bytes ?? new Uint8Array(20)),
      word(tx.value),
      word(gasPrice),
      word(tx.gasLimit),
      word(192n),
      word(BigInt(payload.length)),
      padded,
    ]);
    const result = await this.execute({ to: rules.toString(), data, gas: 5_000_000n });
    const ok = result.execResult.exceptionError === undefined && result.execResult.returnValue.length >= 32 && bytesToBigInt(result.execResult.returnValue.subarray(0, 32)) === 1n;
    return { ok, by: `AccountRules contract ${rules.toString()}` };
  }

  // ---------------------------------------------------------------- block production

  private scheduleBlock(): void {
    if (this.producing) {
      // The running loop may be past its last look at the pool: make it look again when it ends.
      this.arrivedWhileProducing = true;
      return;
    }
    if (this.scheduled !== undefined || this.closed) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      void this.produceLoop(false);
    }, this.opts.batchDelayMs);
  }

  private startInterval(): void {
    if (this.opts.blockIntervalMs <= 0) return;
    this.interval = setInterval(() => {
      if (!this.producing) void this.produceLoop(true);
    }, this.opts.blockIntervalMs);
    this.interval.unref();
  }

  private async produceLoop(force: boolean): Promise<void> {
    if (this.producing || this.closed || this.failed) return;
    this.producing = true;
    try {
      let included = await this.produceBlock(force);
      // Keep going while the pool has work. The pause lets requests that arrived while the block
      // executed be admitted, so they batch into the next block instead of trickling in.
      while (included > 0 && this.pool.size > 0 && !this.closed) {
        await new Promise((resolve) => setTimeout(resolve, this.opts.batchDelayMs));
        included = await this.produceBlock(false);
      }
    } catch (err) {
      if (!this.store.writable) {
        // A storage failure: recovered from once the disk has room (see recoverStorage).
        this.storageFailed(err);
      } else {
        this.failed = err as Error;
        this.log.fatal({ event: "chain.block_failed", err }, "block production failed; the node stops accepting transactions");
        this.emit("fatal", err as Error);
      }
    } finally {
      this.producing = false;
      if (this.arrivedWhileProducing) {
        this.arrivedWhileProducing = false;
        this.scheduleBlock();
      }
    }
  }

  /** Executes, seals and durably writes one block. Returns how many transactions it holds. */
  private async produceBlock(force: boolean): Promise<number> {
    // Execute at most one block ahead of the disk: block N+1 runs while block N is synced.
    while (this.writesInFlight >= 2) await this.writeTail;
    return this.lock.run(async () => {
      if (this.closed || this.failed) return 0;
      const vm = this.vm;
      const sm = vm.stateManager;
      const t0 = performance.now();
      const selected = await this.pool.select(async (from) => ((await sm.getAccount(createAddressFromString(from)))?.nonce ?? 0n), this.opts.maxBlockTxs);
      if (selected.length === 0 && !force) return 0;
      const parent = this.sealedRecord.block.header;
      const gasLimit = parent.gasLimit;
      // Filling blocks only to the EIP-1559 target keeps the base fee at zero by the standard rule.
      const gasTarget = gasLimit / 2n;
      const now = BigInt(Math.floor(Date.now() / 1000));
      const base: HeaderData = {
        parentHash: this.sealedRecord.hash,
        number: parent.number + 1n,
        // Several blocks may share a second: timestamps are non-decreasing, not strictly increasing.
        timestamp: now > parent.timestamp ? now : parent.timestamp,
        gasLimit,
        baseFeePerGas: parent.calcNextBaseFee(),
        coinbase: this.validator,
        difficulty: 0n,
        withdrawalsRoot: KECCAK256_RLP,
        blobGasUsed: 0n,
        excessBlobGas: 0n,
        parentBeaconBlockRoot: ZERO32,
      };
      const context = new Block(createBlockHeader(base, { common: this.common, skipConsensusFormatValidation: true }), [], [], [], { common: this.common });
      const included: PoolTx[] = [];
      const dropped: PoolTx[] = [];
      // Only what the receipts need: a RunTxResult holds the interpreter's run state (memory,
      // stack, call frames), about a megabyte per transaction on the project's contracts.
      const results: Pick<RunTxResult, "bloom" | "receipt" | "totalGasSpent" | "createdAddress">[] = [];
      const skipSenders = new Set<string>();
      let gasUsed = 0n;
      await vm.evm.journal.checkpoint();
      try {
        for (const [i, entry] of selected.entries()) {
          // Executing is CPU-bound and would otherwise starve the HTTP server for the whole
          // block; admission reads state without the lock, so it may run in between.
          if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
          if (skipSenders.has(entry.from)) continue;
          if (gasUsed + entry.tx.gasLimit > gasTarget) {
            skipSenders.add(entry.from);
            continue;
          }
          if (entry.rulesVersion !== this.rulesVersion) {
            const version = this.rulesVersion;
            const allowed = await this.permitted(entry.tx, entry.tx.getSenderAddress(), entry.from);
            if (!allowed.ok) {
              // Everything pooled from the sender was admitted under the withdrawn permission.
              for (const gone of this.pool.removeSender(entry.from)) dropped.push(gone);
              skipSenders.add(entry.from);
              this.log.warn({ event: "chain.tx_dropped", hash: entry.hash, from: entry.from, reason: "sender no longer allowed", by: allowed.by }, "transaction dropped");
              continue;
            }
            entry.rulesVersion = version;
          }
          let res: RunTxResult;
          try {
            res = await runTx(vm, { tx: entry.tx, block: context, blockGasUsed: gasUsed, skipHardForkValidation: true });
          } catch (err) {
            // Invalid against current state (nonce, funds): drop it; later nonces of the sender wait.
            this.pool.remove(entry);
            dropped.push(entry);
            skipSenders.add(entry.from);
            this.log.warn({ event: "chain.tx_dropped", hash: entry.hash, reason: (err as Error).message }, "transaction dropped");
            continue;
          }
          gasUsed += res.totalGasSpent;
          if (this.touchesRules(entry.tx, res)) this.rulesVersion++;
          included.push(entry);
          results.push({ bloom: res.bloom, receipt: res.receipt, totalGasSpent: res.totalGasSpent, createdAddress: res.createdAddress });
        }
        await vm.evm.journal.commit();
      } catch (err) {
        await vm.evm.journal.revert();
        throw err;
      }
      const t1 = performance.now();
      const stateRoot = await sm.getStateRoot();
      // ethereumjs caches storage per account with no bound on the slots of one account, and a
      // registry contract gains slots with every transaction: start it afresh now and then (the
      // trie node cache keeps the reads cheap).
      this.txsSinceTrim += included.length;
      if (this.txsSinceTrim > 5_000) {
        this.caches.storage?.clear();
        this.txsSinceTrim = 0;
      }
      const t2 = performance.now();
      const txs = included.map((e) => e.tx);
      const bloom = new Bloom(undefined, this.common);
      const receipts: StoredReceipt[] = [];
      const encodedReceipts: Uint8Array[] = [];
      for (let i = 0; i < results.length; i++) {
        const res = results[i]!;
        bloom.or(res.bloom);
        const receipt = res.receipt as { status: 0 | 1; cumulativeBlockGasUsed: bigint; logs: StoredReceipt["logs"] };
        receipts.push({
          status: receipt.status,
          cumulativeGasUsed: receipt.cumulativeBlockGasUsed,
          gasUsed: res.totalGasSpent,
          // Log fields are views into the EVM's memory buffer; copies keep that buffer collectable.
          logs: receipt.logs.map(([address, topics, data]) => [address.slice(), topics.map((t) => t.slice()), data.slice()] as StoredReceipt["logs"][number]),
          contractAddress: res.createdAddress?.bytes,
        });
        encodedReceipts.push(encodeReceipt(res.receipt, txs[i]!.type));
      }
      const header = sealHeader(
        {
          ...base,
          stateRoot,
          transactionsTrie: listRoot(txs.map((tx) => tx.serialize())),
          receiptTrie: listRoot(encodedReceipts),
          logsBloom: bloom.bitvector,
          gasUsed,
        },
        this.common,
        this.opts.validatorKey,
      );
      const block = new Block(header, txs, [], [], { common: this.common });
      const hash = header.hash();
      const number = header.number;
      const drained = this.stateDb.drain(stateRoot);
      const settle = drained.settle;
      const ops: WriteOp[] = drained.ops;
      ops.push({ type: "put", key: keys.block(number), value: block.serialize() });
      ops.push({ type: "put", key: keys.hash(hash), value: u64(number) });
      ops.push({ type: "put", key: keys.receipts(number), value: encodeReceipts(receipts) });
      const logAddresses = new Map<string, Uint8Array>();
      for (let i = 0; i < txs.length; i++) {
        const loc = new Uint8Array(12);
        loc.set(u64(number));
        new DataView(loc.buffer).setUint32(8, i);
        ops.push({ type: "put", key: keys.tx(txs[i]!.hash()), value: loc });
        for (const log of receipts[i]!.logs) logAddresses.set(bytesToHex(log[0]), log[0]);
      }
      for (const address of logAddresses.values()) ops.push({ type: "put", key: keys.log(address, number), value: new Uint8Array() });
      ops.push({ type: "put", key: keys.meta("head"), value: u64(number) });
      // The pool's records of these transactions go in the same batch as the block that holds them.
      for (const entry of [...included, ...dropped]) ops.push({ type: "del", key: keys.pool(entry.tx.hash()) });
      for (const entry of included) {
        this.pool.remove(entry);
        this.pool.touch(entry.from);
        this.sealing.set(entry.hash, entry);
      }
      const record: BlockRecord = { block, hash, receipts, senders: included.map((e) => hexToBytes(e.from as `0x${string}`)) };
      this.sealedRecord = record;
      this.remember(record);
      const t3 = performance.now();
      // Batches go to disk strictly in block order, each atomic and synced; a block becomes the
      // served head (receipts, logs, subscriptions) only once its batch is on disk.
      this.writesInFlight++;
      this.writeTail = this.writeTail.then(async () => {
        try {
          if (this.failed !== undefined) throw this.failed;
          await this.store.writeSynced(ops);
        } catch (cause) {
          this.writesInFlight--;
          if (this.failed === undefined) {
            // The store has told the engine (storageFailed): it refuses transactions, serves reads
            // from the durable head, and recovers by itself once the disk has room.
            this.failed = cause instanceof NodeError ? cause : new NodeError("CHAIN_WRITE_FAILED", `block ${number} could not be written to disk`, { cause });
            this.log.error({ event: "chain.write_failed", number: Number(number), err: cause }, "block could not be written; transactions are refused until the chain has recovered");
          }
          return;
        }
        this.writesInFlight--;
        settle();
        this.headRecord = record;
        for (const entry of included) this.sealing.delete(entry.hash);
        if (this.log.isLevelEnabled("debug")) this.log.debug(
          {
            event: "chain.block",
            memoryMb: Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 1e6)])),
            number: Number(number),
            txs: txs.length,
            pooled: this.pool.size,
            gasUsed: Number(gasUsed),
            ms: { execute: Math.round(t1 - t0), stateRoot: Math.round(t2 - t1), seal: Math.round(t3 - t2), write: Math.round(performance.now() - t3), writes: ops.length },
          },
          "block sealed",
        );
        // The write chain must never reject (a rejected tail would stop every later block from
        // being written): a follower's failure is its own.
        try {
          this.emit("block", record);
        } catch (err) {
          this.log.error({ event: "chain.block_listener_failed", number: Number(number), err }, "a block follower failed");
        }
      });
      return txs.length;
    });
  }

  private remember(record: BlockRecord): void {
    const number = record.block.header.number;
    this.recent.set(number, record);
    this.recentTxCount += record.block.transactions.length;
    record.block.transactions.forEach((tx, index) => this.recentTx.set(bytesToHex(tx.hash()), { number, index }));
    while (this.recent.size > RECENT_MAX_BLOCKS || (this.recentTxCount > RECENT_MAX_TXS && this.recent.size > 1)) {
      const [oldest, old] = this.recent.entries().next().value as [bigint, BlockRecord];
      this.recent.delete(oldest);
      this.recentTxCount -= old.block.transactions.length;
      for (const tx of old.block.transactions) this.recentTx.delete(bytesToHex(tx.hash()));
    }
  }

  // ---------------------------------------------------------------- reads

  async blockByNumber(number: bigint): Promise<BlockRecord | undefined> {
    if (number < 0n || number > this.headNumber) return undefined;
    const hit = this.recent.get(number) ?? this.diskCache.get(number);
    if (hit !== undefined) return hit;
    const record = await readBlockRecord(this.store, this.common, number, this.genesis.validator);
    if (this.diskCache.size >= 16) this.diskCache.delete(this.diskCache.keys().next().value as bigint);
    this.diskCache.set(number, record);
    return record;
  }

  /** Like blockByNumber, but also sees sealed blocks still on their way to disk (for BLOCKHASH). */
  async sealedBlock(number: bigint): Promise<BlockRecord | undefined> {
    if (number > this.headNumber) return number <= this.sealedRecord.block.header.number ? this.recent.get(number) : undefined;
    return this.blockByNumber(number);
  }

  async blockByHash(hash: Uint8Array): Promise<BlockRecord | undefined> {
    const n = await this.store.get(keys.hash(hash));
    if (n === undefined) return undefined;
    return this.blockByNumber(readU64(n));
  }

  async txLocation(hash: string): Promise<{ record: BlockRecord; index: number } | undefined> {
    let loc = this.recentTx.get(hash);
    if (loc !== undefined && loc.number > this.headNumber) return undefined;
    if (loc === undefined) {
      const bytes = await this.store.get(keys.tx(hexToBytes(hash as `0x${string}`)));
      if (bytes === undefined) return undefined;
      loc = { number: readU64(bytes), index: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8) };
      if (loc.number > this.headNumber) return undefined;
    }
    const record = await this.blockByNumber(loc.number);
    return record === undefined ? undefined : { record, index: loc.index };
  }

  /**
   * Runs `fn` against the state after block `number`. Reads never use the producer's VM: its
   * state may already hold a sealed block that is not on disk, and a read must not show what a
   * crash could still undo. The durable head gets one reader VM (rebuilt when the head moves);
   * older blocks get a throwaway one. Trie nodes are never deleted, so every block's state stays
   * readable.
   */
  private async withState<T>(number: bigint, fn: (vm: VM, block: Block, parent: BlockRecord) => Promise<T>): Promise<T> {
    const head = this.headRecord;
    if (number >= head.block.header.number) {
      if (this.reader === undefined || !equalsBytes(this.reader.hash, head.hash)) {
        this.reader = { hash: head.hash, vm: this.stateVm(head, 20_000), lock: new Mutex() };
      }
      const reader = this.reader;
      const context = this.contextAfter(head);
      return reader.lock.run(async () => fn(await reader.vm, context, head));
    }
    const record = await this.blockByNumber(number);
    if (record === undefined) throw new NodeError("CHAIN_BLOCK_NOT_FOUND", `block ${number} not found`);
    return fn(await this.stateVm(record, 0), this.contextAfter(record), record);
  }

  private async stateVm(record: BlockRecord, cacheSize: number): Promise<VM> {
    const trie = new MerklePatriciaTrie({ db: this.stateDb, useKeyHashing: true, valueEncoding: ValueEncoding.Bytes, common: this.common, root: record.block.header.stateRoot, cacheSize });
    const stateManager = new MerkleStateManager({
      common: this.common,
      trie,
      caches: cacheSize > 0 ? new Caches({ account: { type: CacheType.LRU, size: 1_000 }, storage: { type: CacheType.LRU, size: 5_000 }, code: { type: CacheType.LRU, size: 100 } }) : undefined,
    });
    return createVM({ common: this.common, stateManager, blockchain: this.vm.blockchain });
  }

  /**
   * The context of a block built on `parent` (number, time, gas limit, zero base fee), at the
   * current second or `ahead` seconds later.
   */
  private contextAfter(parentRecord: BlockRecord, ahead = 0n): Block {
    const parent = parentRecord.block.header;
    const now = BigInt(Math.floor(Date.now() / 1000));
    const header = createBlockHeader(
      {
        parentHash: parentRecord.hash,
        number: parent.number + 1n,
        timestamp: (now > parent.timestamp ? now : parent.timestamp) + ahead,
        gasLimit: parent.gasLimit,
        baseFeePerGas: parent.calcNextBaseFee(),
        coinbase: this.validator,
        withdrawalsRoot: KECCAK256_RLP,
        blobGasUsed: 0n,
        excessBlobGas: 0n,
        parentBeaconBlockRoot: ZERO32,
      },
      { common: this.common, skipConsensusFormatValidation: true },
    );
    return new Block(header, [], [], [], { common: this.common });
  }

  async getAccount(address: string, number: bigint): Promise<Account> {
    return this.withState(number, async (vm) => (await vm.stateManager.getAccount(createAddressFromString(address))) ?? new Account());
  }

  async getCode(address: string, number: bigint): Promise<Uint8Array> {
    return this.withState(number, (vm) => vm.stateManager.getCode(createAddressFromString(address)));
  }

  async getStorageAt(address: string, slot: Uint8Array, number: bigint): Promise<Uint8Array> {
    return this.withState(number, async (vm) => setLengthLeft(await vm.stateManager.getStorage(createAddressFromString(address), setLengthLeft(slot, 32)), 32));
  }

  /** The nonce a new transaction from `address` should use, counting sealed and pooled ones. */
  async pendingNonce(address: string): Promise<bigint> {
    const account = (await this.vm.stateManager.getAccount(createAddressFromString(address))) ?? new Account();
    return this.pool.nextNonce(address.toLowerCase(), account.nonce);
  }

  /** eth_call: runs the request on a throwaway checkpoint and returns the result. */
  async call(req: CallRequest, number: bigint, overrides?: StateOverride): Promise<RunTxResult> {
    return this.withState(number, (vm, block) => withOverrides(vm, overrides, () => runCallTx(vm, block, this.common, req, this.callGasCap())));
  }

  /** Runs a call on the producer's (pending) state; the caller holds the lock. */
  private async execute(req: CallRequest): Promise<RunTxResult> {
    return runCallTx(this.vm, this.contextAfter(this.sealedRecord), this.common, req, this.callGasCap());
  }

  /**
   * eth_createAccessList: the addresses and slots the call touches besides its sender, its target
   * and the precompiles, and the gas the call uses with that list (geth's iteration: the list is
   * recomputed with itself applied until it no longer changes).
   */
  async createAccessList(req: CallRequest, number: bigint, overrides?: StateOverride): Promise<{ accessList: { address: string; storageKeys: string[] }[]; gasUsed: bigint; error?: string }> {
    const skip = new Set([req.from ?? bytesToHex(new Uint8Array(20)), req.to].filter((a) => a !== undefined).map((a) => a!.toLowerCase()));
    return this.withState(number, (vm, block) => withOverrides(vm, overrides, async () => {
      let list = req.accessList ?? [];
      for (let round = 0; ; round++) {
        const result = await runCallTx(vm, block, this.common, { ...req, accessList: list }, this.callGasCap(), true);
        const next = (result.accessList ?? [])
          .map((e) => ({ address: e.address.toLowerCase(), storageKeys: e.storageKeys.map((k) => bytesToHex(setLengthLeft(hexToBytes(k as `0x${string}`), 32))) }))
          .filter((e) => !skip.has(e.address));
        if (JSON.stringify(next) === JSON.stringify(list) || round === 4) {
          const error = result.execResult.exceptionError?.error;
          return { accessList: next, gasUsed: result.totalGasSpent, ...(error !== undefined ? { error } : {}) };
        }
        list = next;
      }
    }));
  }

  private callGasCap(): bigint {
    return this.gasTarget;
  }

  /**
   * eth_estimateGas: the lowest gas limit with which the request succeeds both in a block sealed
   * this second and in one sealed the next second. Gas can depend on the time: writing
   * `block.timestamp` over a value written in the same second is a no-op store (about 2,800 gas
   * cheaper), so a limit found for this second alone can run out of gas one second later.
   */
  async estimateGas(req: CallRequest, number: bigint, overrides?: StateOverride): Promise<bigint> {
    return this.withState(number, (vm, block, parent) => withOverrides(vm, overrides, async () => {
      if (req.value !== undefined && req.value > 0n) {
        // Calls skip the balance check (every node lets eth_call move value it does not have);
        // an estimate for a transaction that cannot pay its value would be a promise it cannot keep.
        const from = req.from !== undefined ? createAddressFromString(req.from) : createZeroAddress();
        const balance = ((await vm.stateManager.getAccount(from)) ?? new Account()).balance;
        const price = req.gasPrice ?? req.maxFeePerGas ?? 0n;
        const fee = price * (req.gas ?? 0n);
        if (balance < req.value + fee) {
          throw new NodeError("CHAIN_INSUFFICIENT_FUNDS", `insufficient funds for transfer: balance ${balance}, value ${req.value}${fee > 0n ? `, fee ${fee}` : ""}`);
        }
      }
      const next = this.contextAfter(parent, 1n);
      const cap = req.gas !== undefined && req.gas < this.callGasCap() ? req.gas : this.callGasCap();
      const first = await runCallTx(vm, next, this.common, { ...req, gas: cap }, cap);
      if (first.execResult.exceptionError !== undefined) return throwExecError(first);
      const ok = async (gas: bigint) => {
        for (const context of [next, block]) {
          if ((await runCallTx(vm, context, this.common, { ...req, gas }, cap)).execResult.exceptionError !== undefined) return false;
        }
        return true;
      };
      // Gas before refunds is a lower bound; the 63/64 rule for calls usually needs a little more.
      let lo = first.totalGasSpent + first.gasRefund - 1n;
      let hi = ((lo + 1n) * 64n) / 63n + 5_000n;
      if (hi > cap) hi = cap;
      if (await ok(lo + 1n)) return lo + 1n;
      if (!(await ok(hi))) {
        if (!(await ok(cap))) return throwExecError(await runCallTx(vm, block, this.common, { ...req, gas: cap }, cap));
        lo = hi;
        hi = cap;
      }
      while (hi - lo > 1n && hi - lo > hi / 1000n) {
        const mid = (lo + hi) / 2n;
        if (await ok(mid)) hi = mid;
        else lo = mid;
      }
      return hi;
    }));
  }

  async getLogs(filter: LogFilter): Promise<FoundLog[]> {
    const from = filter.fromBlock;
    const to = filter.toBlock > this.headNumber ? this.headNumber : filter.toBlock;
    if (to < from) return [];
    let numbers: bigint[];
    if (filter.addresses.length > 0) {
      const set = new Set<bigint>();
      for (const address of filter.addresses) {
        for await (const k of this.store.level.keys(keys.logRange(address, from, to))) set.add(readU64(k, 21));
      }
      numbers = [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } else {
      if (to - from + 1n > MAX_LOG_BLOCK_RANGE) {
        throw new NodeError("CHAIN_LOG_RANGE", `block range too large: at most ${MAX_LOG_BLOCK_RANGE} blocks without an address filter`);
      }
      numbers = [];
      for (let n = from; n <= to; n++) numbers.push(n);
    }
    const out: FoundLog[] = [];
    const addressSet = new Set(filter.addresses.map((a) => bytesToHex(a)));
    for (const n of numbers) {
      const record = await this.blockByNumber(n);
      if (record === undefined) continue;
      let logIndex = 0;
      record.receipts.forEach((receipt, txIndex) => {
        for (const log of receipt.logs) {
          const index = logIndex++;
          if (addressSet.size > 0 && !addressSet.has(bytesToHex(log[0]))) continue;
          if (!topicsMatch(log[1], filter.topics)) continue;
          out.push({
            log: log as FoundLog["log"],
            record,
            blockNumber: n,
            blockHash: record.hash,
            txHash: record.block.transactions[txIndex]!.hash(),
            txIndex,
            logIndex: index,
          });
        }
      });
    }
    return out;
  }

  /** Where the chain ended, when it was retired. */
  get retiredAt(): RetiredRecord | undefined {
    return this.retired;
  }

  private assertRunning(): void {
    if (this.closed) throw new NodeError("CHAIN_CLOSED", "the node is shutting down");
    if (this.retired !== undefined) {
      throw new NodeError("CHAIN_RETIRED", `this chain was retired at block ${this.retired.block}; its state continues on chain ${this.retired.successorChainId}: send transactions there`, {
        details: { block: this.retired.block, successorChainId: this.retired.successorChainId },
      });
    }
    if (!this.health.ok) throw this.health.error(this.failed);
    if (this.failed !== undefined) throw new NodeError("CHAIN_FAILED", "the node stopped producing blocks after a failure", { cause: this.failed });
  }

  /** Stops producing; the last block in progress completes and is written first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.health.close();
    if (this.scheduled !== undefined) clearTimeout(this.scheduled);
    if (this.interval !== undefined) clearInterval(this.interval);
    await this.lock.run(async () => {});
    while (this.writesInFlight > 0) await this.writeTail;
    await this.poolJournal.idle();
  }
}

// ------------------------------------------------------------------ helpers

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function padHex(v: bigint): `0x${string}` {
  const hex = v.toString(16);
  return `0x${hex.length % 2 === 1 ? "0" : ""}${hex}`;
}

function topicsMatch(topics: Uint8Array[], filter: (Uint8Array[] | null)[]): boolean {
  for (let i = 0; i < filter.length; i++) {
    const wanted = filter[i];
    if (wanted === null || wanted === undefined || wanted.length === 0) continue;
    const topic = topics[i];
    if (topic === undefined || !wanted.some((w) => equalsBytes(w, topic))) return false;
  }
  return true;
}

function feeFields(tx: TypedTransaction): { feeCap: bigint; tip: bigint } {
  if (tx.supports(Capability.EIP1559FeeMarket)) {
    const t = tx as unknown as { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
    return { feeCap: t.maxFeePerGas, tip: t.maxPriorityFeePerGas };
  }
  const price = (tx as unknown as { gasPrice: bigint }).gasPrice;
  return { feeCap: price, tip: price };
}

/** Decodes a raw transaction, mapping each failure to its coded error. */
export function decodeTransaction(raw: Uint8Array, common: Common, chainId: bigint): TypedTransaction {
  if (raw.length === 0) throw new NodeError("CHAIN_TX_MALFORMED", "transaction could not be decoded: empty");
  const type = raw[0]! >= 0xc0 ? 0 : raw[0]!;
  if (type !== TransactionType.Legacy && type !== TransactionType.AccessListEIP2930 && type !== TransactionType.FeeMarketEIP1559) {
    throw new NodeError("CHAIN_TX_TYPE_UNSUPPORTED", `transaction type not supported: ${type}`);
  }
  let tx: TypedTransaction;
  try {
    tx = createTxFromRLP(raw, { common });
  } catch (cause) {
    const message = (cause as Error).message ?? "";
    if (/chain ?id/i.test(message)) {
      throw new NodeError("CHAIN_TX_WRONG_CHAIN", `invalid chain id: this chain is ${chainId}`, { cause });
    }
    if (/signature|s-value|v value/i.test(message)) throw new NodeError("CHAIN_TX_INVALID_SIGNATURE", "invalid transaction signature", { cause });
    throw new NodeError("CHAIN_TX_MALFORMED", `transaction could not be decoded: ${message.split("\n")[0]}`, { cause });
  }
  if (type === TransactionType.Legacy && !tx.supports(Capability.EIP155ReplayProtection)) {
    throw new NodeError("CHAIN_TX_UNPROTECTED", "only replay-protected (EIP-155) transactions allowed over RPC");
  }
  if (type !== TransactionType.Legacy && (tx as unknown as { chainId: bigint }).chainId !== chainId) {
    throw new NodeError("CHAIN_TX_WRONG_CHAIN", `invalid chain id: this chain is ${chainId}`);
  }
  return tx;
}

/**
 * Runs `fn` with the overrides applied on a journal checkpoint that is always reverted, so they
 * never reach the trie on disk nor outlive the request.
 */
async function withOverrides<T>(vm: VM, overrides: StateOverride | undefined, fn: () => Promise<T>): Promise<T> {
  if (overrides === undefined || overrides.size === 0) return fn();
  const sm = vm.stateManager;
  await vm.evm.journal.checkpoint();
  try {
    for (const [address, o] of overrides) {
      const addr = createAddressFromString(address);
      const account = (await sm.getAccount(addr)) ?? new Account();
      if (o.balance !== undefined) account.balance = o.balance;
      if (o.nonce !== undefined) account.nonce = o.nonce;
      await sm.putAccount(addr, account);
      if (o.code !== undefined) await sm.putCode(addr, o.code);
      if (o.state !== undefined) await sm.clearStorage(addr);
      for (const [slot, value] of o.state ?? o.stateDiff ?? []) await sm.putStorage(addr, slot, value);
    }
    return await fn();
  } finally {
    await vm.evm.journal.revert();
  }
}

function buildCallTx(req: CallRequest, base: { to: Address | undefined; data: Uint8Array | undefined; value: bigint; gasLimit: bigint; nonce: bigint }, common: Common): TypedTransaction {
  return req.accessList !== undefined || req.maxFeePerGas !== undefined || req.maxPriorityFeePerGas !== undefined
    ? createTx(
        {
          ...base,
          type: 2,
          maxFeePerGas: req.maxFeePerGas ?? 0n,
          maxPriorityFeePerGas: req.maxPriorityFeePerGas ?? 0n,
          accessList: (req.accessList ?? []) as never,
        },
        { common, freeze: false },
      )
    : createTx({ ...base, gasPrice: req.gasPrice ?? 0n }, { common, freeze: false });
}

async function runCallTx(vm: VM, block: Block, common: Common, req: CallRequest, cap: bigint, reportAccessList = false): Promise<RunTxResult> {
  const sender = req.from !== undefined ? createAddressFromString(req.from) : createZeroAddress();
  const gasLimit = req.gas !== undefined && req.gas <= cap ? req.gas : cap;
  const account = (await vm.stateManager.getAccount(sender)) ?? new Account();
  const base = {
    to: req.to !== undefined ? createAddressFromString(req.to) : undefined,
    data: req.data,
    value: req.value ?? 0n,
    gasLimit,
    nonce: account.nonce,
  };
  // The call transaction is built from the caller's parameters alone: whatever its constructor
  // refuses is the caller's mistake (-32602 with the reason), not a fault of the node.
  let tx: TypedTransaction;
  try {
    tx = buildCallTx(req, base, common);
  } catch (cause) {
    throw new NodeError("RPC_INVALID_PARAMS", `invalid params: ${(cause as Error).message.split("\n")[0]}`, { cause });
  }
  // Calls are unsigned: the sender is whoever the caller says, as every node does for eth_call.
  (tx as { getSenderAddress: () => Address }).getSenderAddress = () => sender;
  await vm.evm.journal.checkpoint();
  try {
    return await runTx(vm, { tx, block, skipBalance: true, skipNonce: true, skipBlockGasLimitValidation: true, skipHardForkValidation: true, reportAccessList });
  } catch (cause) {
    throw new NodeError("CHAIN_CALL_INVALID", `call failed: ${(cause as Error).message.split("\n")[0]}`, { cause });
  } finally {
    await vm.evm.journal.revert();
  }
}

/** Turns a failed execution into the coded error JSON-RPC reports (revert data kept). */
export function throwExecError(result: RunTxResult): never {
  const error = result.execResult.exceptionError!;
  if (error.error === "revert") {
    throw new NodeError("CHAIN_EXECUTION_REVERTED", "execution reverted", { details: { data: bytesToHex(result.execResult.returnValue) } });
  }
  throw new NodeError("CHAIN_EXECUTION_FAILED", `execution failed: ${error.error}`);
}

async function checkSameGenesis(stored: GenesisConfig, given: GenesisConfig, _store: ChainStore): Promise<void> {
  if (stored.chainId !== given.chainId) {
    throw new NodeError(
      "CHAIN_GENESIS_MISMATCH",
      `genesis: the data directory belongs to chain id ${stored.chainId}, but the genesis given is for chain id ${given.chainId}. Use another --data-dir or the original genesis.`,
      { details: { stored: stored.chainId, given: given.chainId } },
    );
  }
  if (genesisToJson(stored) !== genesisToJson(given)) {
    throw new NodeError(
      "CHAIN_GENESIS_MISMATCH",
      `genesis: the data directory belongs to another genesis of chain id ${stored.chainId}. Use another --data-dir or the original genesis.`,
      { details: { chainId: stored.chainId } },
    );
  }
}

async function writeGenesis(genesis: GenesisConfig, common: Common, sm: MerkleStateManager, stateDb: StateDB, store: ChainStore): Promise<BlockRecord> {
  for (const [address, spec] of Object.entries(genesis.alloc)) {
    const addr = createAddressFromString(address);
    await sm.putAccount(addr, new Account(BigInt(spec.nonce ?? 0), BigInt(spec.balance ?? "0")));
    if (spec.code !== undefined) await sm.putCode(addr, hexToBytes(spec.code as `0x${string}`));
    for (const [slot, value] of Object.entries(spec.storage ?? {})) {
      await sm.putStorage(addr, setLengthLeft(hexToBytes(padHex(BigInt(slot))), 32), hexToBytes(padHex(BigInt(value))));
    }
  }
  const stateRoot = await sm.getStateRoot();
  const header: BlockHeader = createBlockHeader(
    {
      number: 0n,
      gasLimit: BigInt(genesis.gasLimit),
      timestamp: BigInt(genesis.timestamp),
      baseFeePerGas: 0n,
      stateRoot,
      difficulty: 0n,
      withdrawalsRoot: KECCAK256_RLP,
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: ZERO32,
    },
    { common, skipConsensusFormatValidation: true },
  );
  const block = new Block(header, [], [], [], { common });
  const hash = header.hash();
  const { ops, settle } = stateDb.drain(stateRoot);
  ops.push({ type: "put", key: keys.block(0n), value: block.serialize() });
  ops.push({ type: "put", key: keys.hash(hash), value: u64(0) });
  ops.push({ type: "put", key: keys.receipts(0n), value: encodeReceipts([]) });
  ops.push({ type: "put", key: keys.meta("genesisHash"), value: hash });
  ops.push({ type: "put", key: keys.meta("genesis"), value: new TextEncoder().encode(genesisToJson(genesis)) });
  ops.push({ type: "put", key: keys.meta("head"), value: u64(0) });
  await store.writeSynced(ops);
  settle();
  return { block, hash, receipts: [], senders: [] };
}

/** Reads a block from disk and checks it: hash index, seal, receipts. */
async function readBlockRecord(store: ChainStore, common: Common, number: bigint, validator: string): Promise<BlockRecord> {
  const bytes = await store.get(keys.block(number));
  const receiptBytes = await store.get(keys.receipts(number));
  if (bytes === undefined || receiptBytes === undefined) {
    throw new NodeError("CHAIN_STORE_CORRUPT", `block ${number} is missing from the chain database`);
  }
  const block = createBlockFromRLP(bytes, { common, skipConsensusFormatValidation: true });
  const hash = block.header.hash();
  if (number === 0n) {
    const genesisHash = await store.get(keys.meta("genesisHash"));
    if (genesisHash === undefined || !equalsBytes(genesisHash, hash)) {
      throw new NodeError("CHAIN_STORE_CORRUPT", "the stored genesis block does not match its recorded hash");
    }
  } else {
    const signer = sealSigner(block.header);
    if (signer !== validator) {
      throw new NodeError("CHAIN_BAD_SEAL", `block ${number} is not sealed by the validator ${validator}`, { details: { number: Number(number), signer } });
    }
  }
  const receipts = decodeReceipts(receiptBytes);
  if (receipts.length !== block.transactions.length) {
    throw new NodeError("CHAIN_STORE_CORRUPT", `block ${number} has ${block.transactions.length} transactions but ${receipts.length} receipts`);
  }
  const senders = block.transactions.map((tx) => tx.getSenderAddress().bytes);
  return { block, hash, receipts, senders };
}
