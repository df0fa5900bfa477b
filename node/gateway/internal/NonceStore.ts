import { Level } from "level";
import { NodeError } from "../../NodeError.js";

type Waiter = { resolve(): void; reject(e: unknown): void };

/**
 * Request nonces already used, kept until their request could no longer pass the timestamp check,
 * so a replay is refused also after a restart. Claims are decided in memory at once (two concurrent
 * requests with one nonce cannot both pass) and written in group-committed, fsynced batches: a claim
 * resolves only when it is on disk, before the request it belongs to is answered.
 */
export class NonceStore {
  private readonly seen = new Map<string, number>();
  private queue: Array<{ key: string; expiresAt: number }> = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private flushes = 0;

  private constructor(
    private readonly db: Level<string, string>,
    private readonly now: () => number,
  ) {}

  /** `now` in unix seconds. */
  static async open(dir: string, now: () => number = () => Math.floor(Date.now() / 1000)): Promise<NonceStore> {
    const db = new Level<string, string>(dir, { valueEncoding: "utf8" });
    try {
      await db.open();
    } catch (cause) {
      throw new NodeError("NONCE_STORE_UNAVAILABLE", "The nonce store cannot be opened.", { cause });
    }
    const store = new NonceStore(db, now);
    const t = now();
    for await (const value of db.values()) {
      for (const line of value.split("\n")) {
        const cut = line.indexOf(" ");
        const expiresAt = Number(line.slice(0, cut));
        if (expiresAt >= t) store.seen.set(line.slice(cut + 1), expiresAt);
      }
    }
    store.pruneTimer = setInterval(() => void store.prune().catch(() => undefined), 60_000);
    store.pruneTimer.unref();
    return store;
  }

  /** False when `key` was claimed before (a replay). Otherwise records it durably until `expiresAt` (unix s). */
  async claim(key: string, expiresAt: number): Promise<boolean> {
    const r = this.reserve(key, expiresAt);
    if (!r.fresh) return false;
    await r.durable;
    return true;
  }

  /**
   * Decides at once whether `key` is fresh and starts writing it; `durable` settles when it is on
   * disk. Callers overlap that write with their own work and await it before answering.
   */
  reserve(key: string, expiresAt: number): { fresh: false } | { fresh: true; durable: Promise<void> } {
    const existing = this.seen.get(key);
    if (existing !== undefined && existing >= this.now()) return { fresh: false };
    this.seen.set(key, expiresAt);
    this.queue.push({ key, expiresAt });
    const durable = new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
    durable.catch(() => undefined); // awaited by the caller; never an unhandled rejection if it bails out early
    return { fresh: true, durable };
  }

  private schedule(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async flush(): Promise<void> {
    const items = this.queue;
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    try {
      // One LevelDB entry per flush ("<expiry> <key>" lines), keyed by the latest expiry in it so
      // pruning is one range delete; per-nonce entries cost more than the rest of the request.
      const latest = items.reduce((m, i) => Math.max(m, i.expiresAt), 0);
      const value = items.map(({ key, expiresAt }) => `${expiresAt} ${key}`).join("\n");
      await this.db.put(`${latest.toString().padStart(12, "0")}|${++this.flushes}:${process.pid}:${Date.now()}`, value, { sync: true });
      for (const w of waiters) w.resolve();
    } catch (cause) {
      // Not durable: keep them refused in memory (safe) but fail the requests (fail closed).
      const error = new NodeError("NONCE_STORE_UNAVAILABLE", "The nonce store could not be written.", { cause });
      for (const w of waiters) w.reject(error);
    }
  }

  async prune(): Promise<void> {
    const t = this.now();
    for (const [key, expiresAt] of this.seen) if (expiresAt < t) this.seen.delete(key);
    await this.db.clear({ lt: `${(t - 1).toString().padStart(12, "0")}|` });
  }

  size(): number {
    return this.seen.size;
  }

  async close(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.flushing;
    await this.db.close();
  }
}
