import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import { Block, createBlockHeader, type HeaderData } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { Caches, CacheType } from "@ethereumjs/statemanager";
import type { TypedTransaction } from "@ethereumjs/tx";
import { Account, Address, bytesToBigInt, bytesToHex, createAddressFromString, hexToBytes, KECCAK256_RLP, ValueEncoding } from "@ethereumjs/util";
import { Bloom, createVM, encodeReceipt, runTx, type RunTxResult, type VM } from "@ethereumjs/vm";
import { NodeError } from "../../NodeError.js";
import { StoreHealth, type PartStatus } from "../../storage/StoreHealth.js";
import { decodeTransaction, feeFields, MAX_NONCE_GAP, MAX_TX_BYTES, rulesCallData, sharedTxCommon, touchesRules } from "./admission.js";
import { encodeReceipts, readBlockRecord, sealHeader, type BlockRecord, type StoredReceipt } from "./blocks.js";
import { BlockCache } from "./BlockCache.js";
import { BlockStateManager } from "./BlockStateManager.js";
import { blockContext, runCallTx, StateReader, type CallRequest, type StateOverride } from "./calls.js";
import type { GenesisConfig } from "./config.js";
import { addressOfKey, createChainCommon, initHashing } from "./crypto.js";
import { checkSameGenesis, writeGenesis, ZERO32 } from "./genesis.js";
import { installJumpAnalysisCache } from "./jumpAnalysisCache.js";
import { listRoot } from "./listRoot.js";
import { queryLogs, type FoundLog, type LogFilter } from "./logQueries.js";
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


/** Block execution lets other work run at least this often, between two transactions. */
const YIELD_EVERY_MS = 20;

/** Gas for one AccountRules.transactionAllowed call. */
const RULES_CALL_GAS = 5_000_000n;

/** AccountRules' answer: allowed only when the call succeeded and returned true. */
function rulesAnswer(rules: Address, result: RunTxResult): { ok: boolean; by: string } {
  const out = result.execResult;
  const ok = out.exceptionError === undefined && out.returnValue.length >= 32 && bytesToBigInt(out.returnValue.subarray(0, 32)) === 1n;
  return { ok, by: `AccountRules contract ${rules.toString()}` };
}

/**
 * The chain: one VM over a Merkle state in LevelDB, a pool, a block producer that seals and
 * persists each block in one synced batch, and the reads the JSON-RPC layer serves.
 */
export class ChainEngine extends EventEmitter<{ block: [BlockRecord]; fatal: [Error]; pending: [string] }> {
  readonly common: Common;
  /** What admitted transactions are decoded with (see sharedTxCommon). */
  private readonly txCommon: Common;
  readonly chainId: bigint;
  readonly validator: Address;
  readonly genesis: GenesisConfig;
  readonly pool: TxPool;
  private readonly store: ChainStore;
  /** Synced record of the pool: what eth_sendRawTransaction acknowledged survives a crash. */
  private readonly poolJournal: GroupWriter;
  private readonly stateDb: StateDB;
  private readonly vm: VM;
  /** The producer's state caches (bounded by BlockStateManager at each block's flush). */
  private readonly caches: Caches;
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
  /**
   * The rules version the durable head's state answers for: `rulesVersion` as it stood when that
   * block's execution ended. Admission checks permission on the durable head (see admit) and tags
   * the entry with this; a block sealed or a rule changed since then has bumped `rulesVersion`,
   * and the producer checks the entry again on its own state before it runs.
   */
  private headRulesVersion = 0;
  /** The durable head: the newest block whose batch is synced; everything served stops here. */
  private headRecord: BlockRecord;
  /** The newest sealed block, parent of the next one; it may still be on its way to disk. */
  private sealedRecord: BlockRecord;
  /** Transactions of sealed blocks that are not durable yet (no longer pooled, not yet served). */
  readonly sealing = new Map<string, PoolTx>();
  private writeTail: Promise<void> = Promise.resolve();
  private writesInFlight = 0;
  /** Decoded recent blocks and the few older ones read back from disk. */
  private readonly blocks: BlockCache;
  /** State reads, calls and estimates, on durable blocks only. */
  private readonly reads: StateReader;
  private scheduled: NodeJS.Timeout | undefined;
  private interval: NodeJS.Timeout | undefined;
  private producing = false;
  private arrivedWhileProducing = false;
  private closed = false;
  private failed: Error | undefined;
  /** Set when block production failed for a reason other than storage (see storageStatus). */
  private blockFailure: { reason: string; since: number } | undefined;
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
    this.txCommon = sharedTxCommon(args.common);
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
    this.blocks = new BlockCache(args.store, args.common, args.genesis.validator);
    this.blocks.remember(args.head);
    this.reads = new StateReader({
      common: args.common,
      coinbase: this.validator,
      stateDb: args.stateDb,
      blockchain: args.vm.blockchain,
      head: () => this.headRecord,
      blockByNumber: (n) => this.blockByNumber(n),
      gasCap: () => this.gasTarget,
    });
    this.health = new StoreHealth({
      part: "chain",
      code: "CHAIN_STORAGE_UNAVAILABLE",
      message: "the chain cannot write blocks; transactions are refused until its disk has room again",
      recover: () => this.recoverStorage(),
      logger: this.log,
    });
    this.store.onWriteFailure = (cause) => this.storageFailed(cause);
  }

  /**
   * The chain's part of readiness: not ready while its storage cannot write (it recovers by
   * itself), nor after block production failed for any other reason. That failure is not
   * recovered from in the running process: the producer's state may hold half of a block, so
   * the chain refuses transactions (CHAIN_FAILED) and keeps serving reads of its durable head
   * until it is restarted, which resumes from the last block on disk.
   */
  storageStatus(): PartStatus {
    if (!this.health.ok) return this.health.status();
    if (this.blockFailure !== undefined) return { part: "chain", ready: false, code: "CHAIN_FAILED", reason: this.blockFailure.reason, since: this.blockFailure.since };
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
      this.blocks.dropAbove(head.block.header.number);
      this.blockHashes.clear();
      this.sealing.clear();
      this.pool.clear();
      this.reads.reset();
      this.headRecord = head;
      this.sealedRecord = head;
      if (!this.blocks.has(head.block.header.number)) this.blocks.remember(head);
      // Blocks rolled back may have changed permissioning: pooled transactions are checked again.
      this.rulesVersion++;
    });
    // Outside the lock: admitting a transaction may run the AccountRules contract under it.
    await this.restorePool();
    // A block that failed to execute is not a storage fault: the chain stays closed for it.
    if (this.blockFailure === undefined) this.failed = undefined;
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
      // Not an LRU: a block's storage writes live only here until its flush (BlockStateManager),
      // and an LRU could evict them. BlockStateManager bounds its slots at each block's flush.
      storage: { type: CacheType.ORDERED_MAP },
      code: { type: CacheType.LRU, size: 1_000 },
    });
    const stateManager = new BlockStateManager({ common, trie, caches, nodes: stateDb });
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
    const tx = decodeTransaction(raw, this.txCommon, this.chainId);
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
    // The permission check runs on the durable head through the reader VMs, so it does not wait
    // out the block in progress; what it cannot see (a block sealed since, a rule changed) shows
    // as a newer rules version, and the producer checks the entry again before it runs.
    const allowed = await this.permittedAtHead(tx, sender, from);
    const rulesVersion = allowed.rulesVersion;
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

  /**
   * Whether the account permissioning allows the transaction on the durable head's state, and the
   * rules version that answer holds for. The version is read before anything else: the check then
   * runs on that head's state or a newer one with the rules as they are now or newer, so a pooled
   * entry whose version still equals `rulesVersion` when its block runs was judged on rules and
   * state that have not changed since (only blocks that touch the rules contract change them).
   */
  private async permittedAtHead(tx: TypedTransaction, sender: Address, from: string): Promise<{ ok: boolean; by: string; rulesVersion: number }> {
    const rulesVersion = this.headRulesVersion;
    const rules = this.accountRules;
    const byAllowlist = () => ({ ok: this.allowlist.has(from), by: "genesis allowlist", rulesVersion });
    if (rules === undefined) return byAllowlist();
    return this.reads.withState(this.headNumber, async (vm, block) => {
      if ((await vm.stateManager.getCode(rules)).length === 0) return byAllowlist();
      const result = await runCallTx(vm, block, this.common, { to: rules.toString(), data: rulesCallData(tx, sender), gas: RULES_CALL_GAS }, this.gasTarget);
      return { ...rulesAnswer(rules, result), rulesVersion };
    });
  }

  /** The AccountRules contract when one is set and has code; otherwise the genesis allowlist applies. */
  private async activeAccountRules(): Promise<Address | undefined> {
    const rules = this.accountRules;
    if (rules === undefined) return undefined;
    const code = await this.vm.stateManager.getCode(rules);
    return code.length > 0 ? rules : undefined;
  }

  private async rulesAllow(rules: Address, tx: TypedTransaction, sender: Address): Promise<{ ok: boolean; by: string }> {
    return rulesAnswer(rules, await this.execute({ to: rules.toString(), data: rulesCallData(tx, sender), gas: RULES_CALL_GAS }));
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
        const code = err instanceof NodeError ? err.code : undefined;
        this.blockFailure = { reason: `block production failed${code !== undefined ? ` (${code})` : ""}: restart the node, it resumes from its last durable block`, since: Date.now() };
        this.log.fatal({ event: "chain.block_failed", err }, "block production failed; the node refuses transactions until it is restarted");
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
      let lastYield = performance.now();
      await vm.evm.journal.checkpoint();
      try {
        for (const entry of selected) {
          // Executing is CPU-bound and would otherwise starve the HTTP server for the whole
          // block; admission reads state without the lock, so it may run in between. By time, not
          // by count: one registerBatch of 100 rows runs for 100 ms or more, and a block of a
          // registrar's batches held acknowledgements and the gateway back for seconds.
          if (performance.now() - lastYield >= YIELD_EVERY_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            lastYield = performance.now();
          }
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
          if (touchesRules(this.accountRules, entry.tx, res)) this.rulesVersion++;
          included.push(entry);
          results.push({ bloom: res.bloom, receipt: res.receipt, totalGasSpent: res.totalGasSpent, createdAddress: res.createdAddress });
        }
        await vm.evm.journal.commit();
      } catch (err) {
        await vm.evm.journal.revert();
        throw err;
      }
      const t1 = performance.now();
      // What an admission check on this block's state answers for once the block is durable.
      const rulesVersionAfter = this.rulesVersion;
      const stateRoot = await sm.getStateRoot();
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
      this.blocks.remember(record);
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
        this.headRulesVersion = rulesVersionAfter;
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

  // ---------------------------------------------------------------- reads

  async blockByNumber(number: bigint): Promise<BlockRecord | undefined> {
    if (number < 0n || number > this.headNumber) return undefined;
    return this.blocks.durable(number);
  }

  /** Like blockByNumber, but also sees sealed blocks still on their way to disk (for BLOCKHASH). */
  async sealedBlock(number: bigint): Promise<BlockRecord | undefined> {
    if (number > this.headNumber) return number <= this.sealedRecord.block.header.number ? this.blocks.sealed(number) : undefined;
    return this.blockByNumber(number);
  }

  async blockByHash(hash: Uint8Array): Promise<BlockRecord | undefined> {
    const n = await this.store.get(keys.hash(hash));
    if (n === undefined) return undefined;
    return this.blockByNumber(readU64(n));
  }

  async txLocation(hash: string): Promise<{ record: BlockRecord; index: number } | undefined> {
    const loc = await this.blocks.txLocation(hash);
    if (loc === undefined || loc.number > this.headNumber) return undefined;
    const record = await this.blockByNumber(loc.number);
    return record === undefined ? undefined : { record, index: loc.index };
  }

  getAccount(address: string, number: bigint): Promise<Account> {
    return this.reads.getAccount(address, number);
  }

  getCode(address: string, number: bigint): Promise<Uint8Array> {
    return this.reads.getCode(address, number);
  }

  getStorageAt(address: string, slot: Uint8Array, number: bigint): Promise<Uint8Array> {
    return this.reads.getStorageAt(address, slot, number);
  }

  /** eth_call: runs the request on a throwaway checkpoint and returns the result. */
  call(req: CallRequest, number: bigint, overrides?: StateOverride): Promise<RunTxResult> {
    return this.reads.call(req, number, overrides);
  }

  createAccessList(req: CallRequest, number: bigint, overrides?: StateOverride): ReturnType<StateReader["createAccessList"]> {
    return this.reads.createAccessList(req, number, overrides);
  }

  estimateGas(req: CallRequest, number: bigint, overrides?: StateOverride): Promise<bigint> {
    return this.reads.estimateGas(req, number, overrides);
  }

  getLogs(filter: LogFilter): Promise<FoundLog[]> {
    return queryLogs(filter, { store: this.store, headNumber: this.headNumber, blockByNumber: (n) => this.blockByNumber(n) });
  }

  /** The nonce a new transaction from `address` should use, counting sealed and pooled ones. */
  async pendingNonce(address: string): Promise<bigint> {
    const account = (await this.vm.stateManager.getAccount(createAddressFromString(address))) ?? new Account();
    return this.pool.nextNonce(address.toLowerCase(), account.nonce);
  }

  /** Runs a call on the producer's (pending) state; the caller holds the lock. */
  private async execute(req: CallRequest): Promise<RunTxResult> {
    return runCallTx(this.vm, blockContext(this.common, this.validator, this.sealedRecord), this.common, req, this.gasTarget);
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
