import { Level } from "level";
import { storeOptions } from "../../storage/levelOptions.js";
import type { BatchDBOp, DB, EncodingOpts } from "@ethereumjs/util";
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, bytesToUnprefixedHex, concatBytes, hexToBytes, utf8ToBytes } from "@ethereumjs/util";
import { NodeError } from "../../NodeError.js";
import { reopenWhenRoom } from "../../storage/StoreHealth.js";
import { TwoGenerationCache } from "./TwoGenerationCache.js";

/**
 * Key layout of the chain's single LevelDB. One database (not one per kind) so that a block,
 * its receipts, its indexes, the state it produced and the new head go to disk in ONE atomic,
 * synced batch: after a crash the head always points at a complete block.
 *
 *   m <name>                 meta (head number, genesis JSON, genesis hash)
 *   b <number:8>             sealed block RLP (header, transactions, uncles, withdrawals)
 *   n <hash:32>              block number by block hash
 *   r <number:8>             receipts of the block (see receipts.ts)
 *   t <txhash:32>            block number ‖ index of a mined transaction
 *   l <address:20><number:8> the block has logs from the address
 *   s <trie key>             state trie nodes and contract code (content-addressed, never deleted)
 *   p <txhash:32>            raw transaction admitted to the pool and not yet in a durable block
 */
const P = {
  meta: 0x6d,
  block: 0x62,
  hash: 0x6e,
  receipts: 0x72,
  tx: 0x74,
  log: 0x6c,
  state: 0x73,
  pool: 0x70,
} as const;

export function u64(n: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

export function readU64(bytes: Uint8Array, offset = 0): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset);
}

function key(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  return concatBytes(Uint8Array.of(prefix), ...parts);
}

export const keys = {
  meta: (name: string) => key(P.meta, utf8ToBytes(name)),
  block: (n: bigint) => key(P.block, u64(n)),
  hash: (hash: Uint8Array) => key(P.hash, hash),
  receipts: (n: bigint) => key(P.receipts, u64(n)),
  tx: (hash: Uint8Array) => key(P.tx, hash),
  log: (address: Uint8Array, n: bigint) => key(P.log, address, u64(n)),
  logRange: (address: Uint8Array, from: bigint, to: bigint) => ({ gte: key(P.log, address, u64(from)), lte: key(P.log, address, u64(to)) }),
  state: (trieKey: Uint8Array) => key(P.state, trieKey),
  pool: (hash: Uint8Array) => key(P.pool, hash),
  poolRange: () => ({ gte: Uint8Array.of(P.pool), lt: Uint8Array.of(P.pool + 1) }),
};

export type PutOp = { type: "put"; key: Uint8Array; value: Uint8Array };
export type DelOp = { type: "del"; key: Uint8Array };
export type WriteOp = PutOp | DelOp;

export class ChainStore {
  readonly level: Level<Uint8Array, Uint8Array>;
  readonly location: string;
  /**
   * Set by the first failed write. A LevelDB handle that saw a write fail must not write again
   * (a torn batch at the end of its log makes later synced batches vanish on the next open, see
   * StoreHealth): every write is refused until `reopen` succeeds.
   */
  private broken: NodeError | undefined;
  /** Told of the first failed write (the engine stops producing and starts recovering). */
  onWriteFailure: ((cause: unknown) => void) | undefined;

  private constructor(level: Level<Uint8Array, Uint8Array>, location: string) {
    this.level = level;
    this.location = location;
  }

  static async open(location: string): Promise<ChainStore> {
    const level = new Level<Uint8Array, Uint8Array>(location, storeOptions({ keyEncoding: "view", valueEncoding: "view" }));
    try {
      await level.open();
    } catch (cause) {
      const locked = (cause as { cause?: { code?: string } }).cause?.code === "LEVEL_LOCKED";
      throw new NodeError(
        locked ? "CHAIN_DATA_DIR_LOCKED" : "CHAIN_STORE_OPEN_FAILED",
        locked ? `the data directory ${location} is used by another running node` : `cannot open the chain database at ${location}`,
        { cause },
      );
    }
    return new ChainStore(level, location);
  }

  async get(k: Uint8Array): Promise<Uint8Array | undefined> {
    return (await this.level.get(k)) ?? undefined;
  }

  /** The durability point: nothing is acknowledged before this resolves. */
  async writeSynced(ops: WriteOp[]): Promise<void> {
    if (this.broken) throw this.broken;
    try {
      await this.level.batch(ops, { sync: true });
    } catch (cause) {
      if (!this.broken) {
        this.broken = new NodeError("CHAIN_STORAGE_UNAVAILABLE", "the chain's database could not be written", { cause });
        this.onWriteFailure?.(cause);
      }
      throw this.broken;
    }
  }

  get writable(): boolean {
    return this.broken === undefined;
  }

  /**
   * After a failed write: reopens the database once the disk has room (its log is cut back to
   * the last whole batch) and proves a synced write. Throws while that is not yet possible; the
   * open handle keeps serving reads until then.
   */
  async reopen(): Promise<void> {
    await reopenWhenRoom(this.level, this.location);
    const probe = keys.meta("probe");
    await this.level.batch([{ type: "put", key: probe, value: new Uint8Array(1) }, { type: "del", key: probe }], { sync: true });
    this.broken = undefined;
  }

  async close(): Promise<void> {
    await this.level.close();
  }
}

/**
 * Synced writes that many callers wait on at once: operations arriving while one batch is being
 * synced go to disk together in the next, so a burst costs one sync, not one each.
 */
export class GroupWriter {
  private readonly store: ChainStore;
  private queued: WriteOp[] = [];
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private writing: Promise<void> | undefined;

  constructor(store: ChainStore) {
    this.store = store;
  }

  /** Resolves once `ops` are synced to disk. */
  write(ops: WriteOp[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push(...ops);
      this.waiters.push({ resolve, reject });
      this.writing ??= this.flush();
    });
  }

  /** Resolves when nothing is queued or being written. */
  async idle(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
  }

  private async flush(): Promise<void> {
    // Let the callers of this turn of the event loop join the first batch.
    await Promise.resolve();
    while (this.waiters.length > 0) {
      const ops = this.queued;
      const waiters = this.waiters;
      this.queued = [];
      this.waiters = [];
      try {
        await this.store.writeSynced(ops);
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.writing = undefined;
  }
}

/**
 * The state trie's database. Trie writes made while a block is executed stay in `pending`
 * (reads see them) and are drained into the block's synced batch, so state and block are
 * committed together or not at all.
 */
export class StateDB implements DB<string, Uint8Array> {
  private readonly store: ChainStore;
  private pending = new Map<string, Uint8Array>();
  /** Writes of sealed blocks whose batch is not on disk yet. */
  private readonly inFlight = new Set<Map<string, Uint8Array>>();
  /**
   * Recently used trie nodes. Nodes are content-addressed and never change, so the cache can
   * never be stale; it matters because ethereumjs gives storage tries no node cache of their own
   * and every miss is an asynchronous LevelDB read. Two generations bound it at 2 × CACHE_NODES
   * nodes and about 2 × CACHE_BYTES of heap (a node is its bytes plus about 300 bytes of key,
   * array and map entry; a branch node about 830 in all).
   */
  private readonly nodes: TwoGenerationCache<Uint8Array>;
  static readonly CACHE_NODES = 40_000;
  static readonly CACHE_BYTES = 16 * 1024 * 1024;

  constructor(store: ChainStore, limits: { nodes?: number; bytes?: number } = {}) {
    this.store = store;
    this.nodes = new TwoGenerationCache(limits.nodes ?? StateDB.CACHE_NODES, limits.bytes ?? StateDB.CACHE_BYTES, (value) => 300 + value.length);
  }

  /** Nodes in the read cache now and their estimated heap size (both generations). */
  get cached(): { nodes: number; bytes: number } {
    return this.nodes.cached;
  }

  async get(k: string, _opts?: EncodingOpts): Promise<Uint8Array | undefined> {
    const p = this.pending.get(k) ?? this.nodes.get(k);
    if (p !== undefined) return p;
    for (const generation of this.inFlight) {
      const v = generation.get(k);
      if (v !== undefined) return v;
    }
    const value = await this.store.get(keys.state(hexToBytes(`0x${k}`)));
    if (value !== undefined) this.nodes.set(k, value);
    return value;
  }

  async put(k: string, value: Uint8Array, _opts?: EncodingOpts): Promise<void> {
    this.pending.set(k, value);
  }

  async del(_k: string, _opts?: EncodingOpts): Promise<void> {
    // Nodes are content-addressed and older blocks' state must stay readable: never delete.
  }

  async batch(ops: BatchDBOp<string, Uint8Array>[]): Promise<void> {
    for (const op of ops) if (op.type === "put") this.pending.set(op.key, op.value);
  }

  shallowCopy(): DB<string, Uint8Array> {
    return this;
  }

  async open(): Promise<void> {}

  /**
   * Hands the pending trie writes that the state `root` reaches to the caller's batch. Until
   * `settle` is called (the batch is on disk) they stay readable from memory, because the next
   * block may execute meanwhile.
   *
   * The trie writes every node on a changed path at each single put, so most nodes written while
   * a block executes are replaced before the block ends (about three in four on consent grants).
   * Those are unreachable from every root and are dropped here: they would cost disk, the write,
   * and room in the node cache. What `root` reaches is kept; below a node that is not pending the
   * walk stops, because that node is stored with everything under it.
   */
  drain(root: Uint8Array): { ops: PutOp[]; settle: () => void } {
    const pending = this.pending;
    const generation = reachable(pending, root);
    const ops: PutOp[] = [];
    for (const [k, value] of generation) ops.push({ type: "put", key: keys.state(hexToBytes(`0x${k}`)), value });
    this.inFlight.add(generation);
    this.pending = new Map();
    return {
      ops,
      settle: () => {
        this.inFlight.delete(generation);
        for (const [k, value] of generation) this.nodes.set(k, value);
      },
    };
  }

  /** Drops writes of a block that failed to reach disk. */
  discard(): void {
    this.pending = new Map();
  }

  /** Forgets every write not on disk (blocks whose batches failed), after the state went back to the durable head. */
  reset(): void {
    this.pending = new Map();
    this.inFlight.clear();
  }
}

/**
 * The trie database of a VM that only reads the chain's state (eth_call, eth_estimateGas,
 * eth_createAccessList): reads go to the StateDB, writes stay here. ethereumjs writes a call's
 * storage into the contract's storage trie at each SSTORE (its storage cache does not stop the
 * write), and those nodes used to land in the StateDB's pending writes, which belong to the block
 * being produced: sealing a block hands them to disk and keeps only what the new state root
 * reaches, so a call that was between two SSTOREs of one contract walked on from a root whose
 * node was gone ("Stack underflow"). The nodes a call writes now live as long as its VM.
 */
export class OverlayDB implements DB<string, Uint8Array> {
  private readonly own = new Map<string, Uint8Array>();

  constructor(private readonly base: DB<string, Uint8Array>) {}

  /** Nodes written so far (the VM is replaced once this grows too large). */
  get size(): number {
    return this.own.size;
  }

  async get(k: string, opts?: EncodingOpts): Promise<Uint8Array | undefined> {
    return this.own.get(k) ?? (await this.base.get(k, opts));
  }

  async put(k: string, value: Uint8Array): Promise<void> {
    this.own.set(k, value);
  }

  async del(_k: string): Promise<void> {
    // Content-addressed nodes: another root written here may still reach it.
  }

  async batch(ops: BatchDBOp<string, Uint8Array>[]): Promise<void> {
    for (const op of ops) if (op.type === "put") this.own.set(op.key, op.value);
  }

  shallowCopy(): DB<string, Uint8Array> {
    return this;
  }

  async open(): Promise<void> {}
}

/**
 * The entries of `pending` that the state trie at `root` reaches (through account leaves into
 * storage tries), plus every entry that is not a trie node (contract code, keyed by a prefixed
 * hash). Node layout as in the Yellow Paper: a branch has 17 items, an extension or a leaf 2,
 * told apart by the flag nibble of the path; a child is a 32-byte hash or, when its encoding is
 * shorter than 32 bytes, embedded in the parent (and then holds no hash of its own).
 */
function reachable(pending: Map<string, Uint8Array>, root: Uint8Array): Map<string, Uint8Array> {
  const kept = new Map<string, Uint8Array>();
  for (const [k, value] of pending) if (k.length !== 64) kept.set(k, value);
  const stack: { hash: Uint8Array; accounts: boolean }[] = [{ hash: root, accounts: true }];
  const visit = (item: NodeItem, accounts: boolean): void => {
    if (item instanceof Uint8Array) {
      if (item.length === 32) stack.push({ hash: item, accounts });
      return;
    }
    if (item.length === 17) {
      for (let i = 0; i < 16; i++) visit(item[i]!, accounts);
      return;
    }
    if (item.length !== 2) return;
    const path = item[0] as Uint8Array;
    const leaf = path.length > 0 && path[0]! >> 4 >= 2;
    if (!leaf) return visit(item[1]!, accounts);
    if (!accounts) return;
    // An account leaf's value is RLP([nonce, balance, storageRoot, codeHash]).
    const account = RLP.decode(item[1] as Uint8Array) as Uint8Array[];
    const storageRoot = account[2];
    if (storageRoot !== undefined && storageRoot.length === 32) stack.push({ hash: storageRoot, accounts: false });
  };
  while (stack.length > 0) {
    const { hash, accounts } = stack.pop()!;
    const k = bytesToUnprefixedHex(hash);
    if (kept.has(k)) continue;
    const value = pending.get(k);
    if (value === undefined) continue;
    kept.set(k, value);
    visit(RLP.decode(value) as NodeItem, accounts);
  }
  return kept;
}

type NodeItem = Uint8Array | NodeItem[];

export { bytesToHex };
