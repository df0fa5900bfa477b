import type { Common } from "@ethereumjs/common";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { readBlockRecord, type BlockRecord } from "./blocks.js";
import { keys, readU64, type ChainStore } from "./store.js";

/** Blocks kept decoded in memory for fast receipts, bounded by their total transactions. */
const RECENT_MAX_BLOCKS = 32;
const RECENT_MAX_TXS = 2_000;
/** Older blocks read back from disk, kept for repeated reads (a log query, a follower catching up). */
const DISK_CACHE_BLOCKS = 16;

/**
 * Decoded blocks for the reads: the newest sealed ones (which may still be on their way to disk;
 * the caller decides what is served) and a few older ones read back from disk.
 */
export class BlockCache {
  private readonly recent = new Map<bigint, BlockRecord>();
  private recentTxCount = 0;
  private readonly recentTx = new Map<string, { number: bigint; index: number }>();
  private readonly diskCache = new Map<bigint, BlockRecord>();

  constructor(
    private readonly store: ChainStore,
    private readonly common: Common,
    private readonly validator: string,
  ) {}

  /** Keeps a sealed block; the oldest go once the bounds are passed. */
  remember(record: BlockRecord): void {
    const number = record.block.header.number;
    this.recent.set(number, record);
    this.recentTxCount += record.block.transactions.length;
    record.block.transactions.forEach((tx, index) => this.recentTx.set(bytesToHex(tx.hash()), { number, index }));
    while (this.recent.size > RECENT_MAX_BLOCKS || (this.recentTxCount > RECENT_MAX_TXS && this.recent.size > 1)) {
      const [oldest, old] = this.recent.entries().next().value as [bigint, BlockRecord];
      this.forget(oldest, old);
    }
  }

  has(number: bigint): boolean {
    return this.recent.has(number);
  }

  /** A sealed block still in memory (durable or not). */
  sealed(number: bigint): BlockRecord | undefined {
    return this.recent.get(number);
  }

  /** Forgets sealed blocks above `head` (they never reached disk). */
  dropAbove(head: bigint): void {
    for (const [number, old] of [...this.recent]) if (number > head) this.forget(number, old);
  }

  private forget(number: bigint, old: BlockRecord): void {
    this.recent.delete(number);
    this.recentTxCount -= old.block.transactions.length;
    for (const tx of old.block.transactions) {
      const key = bytesToHex(tx.hash());
      if (this.recentTx.get(key)?.number === number) this.recentTx.delete(key);
    }
  }

  /** Block `number`, which the caller knows to be durable. */
  async durable(number: bigint): Promise<BlockRecord> {
    const hit = this.recent.get(number) ?? this.diskCache.get(number);
    if (hit !== undefined) return hit;
    const record = await readBlockRecord(this.store, this.common, number, this.validator);
    if (this.diskCache.size >= DISK_CACHE_BLOCKS) this.diskCache.delete(this.diskCache.keys().next().value as bigint);
    this.diskCache.set(number, record);
    return record;
  }

  /** Where a mined transaction is: block number and index, or undefined when unknown. */
  async txLocation(hash: string): Promise<{ number: bigint; index: number } | undefined> {
    const loc = this.recentTx.get(hash);
    if (loc !== undefined) return loc;
    const bytes = await this.store.get(keys.tx(hexToBytes(hash as `0x${string}`)));
    if (bytes === undefined) return undefined;
    return { number: readU64(bytes), index: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8) };
  }
}
