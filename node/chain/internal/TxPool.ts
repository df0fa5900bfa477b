import type { TypedTransaction } from "@ethereumjs/tx";
import { NodeError } from "../../NodeError.js";

/** A transaction waiting for a block, with what the pool needs already extracted. */
export interface PoolTx {
  tx: TypedTransaction;
  hash: string;
  from: string;
  nonce: bigint;
  /** Fee cap and tip: for legacy and 2930 transactions both are the gas price. */
  feeCap: bigint;
  tip: bigint;
  /** The version of the account permissioning its sender was last found allowed under. */
  rulesVersion: number;
}

export interface TxPoolLimits {
  /** Transactions held in total. */
  maxSize: number;
  /** Transactions held per sender, counting queued nonces beyond a gap. */
  maxPerSender: number;
}

/** Replacement needs both fee fields at least this many percent above the old ones (geth's rule). */
const PRICE_BUMP_PERCENT = 10n;

/**
 * Pending transactions by sender and nonce. Nonce gaps are held until filled; a transaction
 * with the same sender and nonce replaces the held one only with a strictly higher fee cap and
 * tip, each at least 10 % higher; duplicates and overflow are refused with coded errors.
 */
export class TxPool {
  private readonly limits: TxPoolLimits;
  private readonly byHash = new Map<string, PoolTx>();
  private readonly bySender = new Map<string, Map<bigint, PoolTx>>();

  constructor(limits: TxPoolLimits) {
    this.limits = limits;
  }

  get size(): number {
    return this.byHash.size;
  }

  /** Empties the pool (it is restored from its records on disk after a storage failure). */
  clear(): void {
    this.byHash.clear();
    this.bySender.clear();
  }

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  get(hash: string): PoolTx | undefined {
    return this.byHash.get(hash);
  }

  /** Highest nonce such that the sender's pooled txs are contiguous from `stateNonce`. */
  nextNonce(from: string, stateNonce: bigint): bigint {
    const queue = this.bySender.get(from);
    let n = stateNonce;
    if (queue === undefined) return n;
    while (queue.has(n)) n++;
    return n;
  }

  /**
   * Adds a transaction. `stateNonce` is the sender's account nonce: a transaction that is
   * executable now is never refused for space; it evicts the highest nonce of the longest queue
   * (its own when the sender's queue is the one that is full).
   */
  add(entry: PoolTx, stateNonce: bigint): { replaced?: PoolTx; evicted?: PoolTx } {
    if (this.byHash.has(entry.hash)) throw new NodeError("CHAIN_TX_KNOWN", "already known", { details: { hash: entry.hash } });
    let queue = this.bySender.get(entry.from);
    const old = queue?.get(entry.nonce);
    if (old !== undefined) {
      const bumped = (v: bigint) => (v * (100n + PRICE_BUMP_PERCENT)) / 100n;
      const better = entry.feeCap > old.feeCap && entry.tip > old.tip && entry.feeCap >= bumped(old.feeCap) && entry.tip >= bumped(old.tip);
      if (!better) {
        throw new NodeError("CHAIN_TX_REPLACEMENT_UNDERPRICED", "replacement transaction underpriced", {
          details: { hash: entry.hash, replaces: old.hash },
        });
      }
      queue!.set(entry.nonce, entry);
      this.byHash.delete(old.hash);
      this.byHash.set(entry.hash, entry);
      return { replaced: old };
    }
    const executable = entry.nonce === stateNonce;
    let evicted: PoolTx | undefined;
    if ((queue?.size ?? 0) >= this.limits.maxPerSender) {
      if (!executable) {
        throw new NodeError("CHAIN_POOL_SENDER_FULL", "too many pending transactions from this sender", {
          details: { from: entry.from, maxPerSender: this.limits.maxPerSender },
        });
      }
      evicted = highest(queue!);
    } else if (this.byHash.size >= this.limits.maxSize) {
      if (!executable) throw new NodeError("CHAIN_POOL_FULL", "txpool is full", { details: { maxSize: this.limits.maxSize } });
      let longest: Map<bigint, PoolTx> | undefined;
      for (const q of this.bySender.values()) if (longest === undefined || q.size > longest.size) longest = q;
      evicted = highest(longest!);
    }
    if (evicted !== undefined) {
      this.remove(evicted);
      queue = this.bySender.get(entry.from);
    }
    if (queue === undefined) {
      queue = new Map();
      this.bySender.set(entry.from, queue);
    }
    queue.set(entry.nonce, entry);
    this.byHash.set(entry.hash, entry);
    return { evicted };
  }

  /** Removes every transaction of a sender and returns them. */
  removeSender(from: string): PoolTx[] {
    const queue = this.bySender.get(from);
    if (queue === undefined) return [];
    const gone = [...queue.values()];
    for (const entry of gone) this.remove(entry);
    return gone;
  }

  remove(entry: PoolTx): void {
    if (this.byHash.get(entry.hash) !== entry) return;
    this.byHash.delete(entry.hash);
    const queue = this.bySender.get(entry.from);
    queue?.delete(entry.nonce);
    if (queue !== undefined && queue.size === 0) this.bySender.delete(entry.from);
  }

  /**
   * Executable transactions in a fair order: for each sender (oldest queue first) the run of
   * nonces starting at its state nonce. Transactions below the state nonce are dropped.
   */
  async select(stateNonce: (from: string) => Promise<bigint>, maxTxs: number): Promise<PoolTx[]> {
    const out: PoolTx[] = [];
    for (const [from, queue] of [...this.bySender]) {
      if (out.length >= maxTxs) break;
      let n = await stateNonce(from);
      for (const entry of [...queue.values()]) if (entry.nonce < n) this.remove(entry);
      let next = queue.get(n);
      while (next !== undefined && out.length < maxTxs) {
        out.push(next);
        n++;
        next = queue.get(n);
      }
    }
    return out;
  }

  /** Rotates a sender to the back so one busy account cannot starve the others. */
  touch(from: string): void {
    const queue = this.bySender.get(from);
    if (queue === undefined) return;
    this.bySender.delete(from);
    this.bySender.set(from, queue);
  }
}

function highest(queue: Map<bigint, PoolTx>): PoolTx {
  let top: PoolTx | undefined;
  for (const e of queue.values()) if (top === undefined || e.nonce > top.nonce) top = e;
  return top!;
}
