import { stat } from "node:fs/promises";
import { Level } from "level";
import { storeOptions } from "../../storage/levelOptions.js";
import type { Logger } from "pino";
import { NodeError } from "../../NodeError.js";
import { reopenWhenRoom, StoreHealth, type PartStatus } from "../../storage/StoreHealth.js";
import type { AccessLog, CompanionHandle } from "./accessLog.js";

type Waiter = { resolve(): void; reject(e: unknown): void };

/** Where the claims are written: a LevelDB of their own, or the access log's group commits. */
type Journal =
  | { kind: "own"; db: Level<string, string>; dir: string; health: StoreHealth }
  | { kind: "accessLog"; handle: CompanionHandle; log: AccessLog };

/**
 * Request nonces already used, kept until their request could no longer pass the timestamp check,
 * so a replay is refused also after a restart. Claims are decided in memory at once (two concurrent
 * requests with one nonce cannot both pass) and written in group-committed, fsynced batches: a claim
 * resolves only when it is on disk, before the request it belongs to is answered.
 *
 * The gateway keeps them in its access log ({@link NonceStore.inAccessLog}): a request's nonce and
 * its access record then go to disk in the same batch, one fsync for both.
 */
export class NonceStore {
  private readonly seen = new Map<string, number>();
  private queue: Array<{ key: string; expiresAt: number }> = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private flushes = 0;
  private closed = false;
  private journal!: Journal;

  private constructor(private readonly now: () => number) {}

  /** A store in its own LevelDB in `dir`. `now` in unix seconds. */
  static async open(dir: string, now: () => number = () => Math.floor(Date.now() / 1000), logger?: Logger): Promise<NonceStore> {
    const db = new Level<string, string>(dir, storeOptions({ valueEncoding: "utf8" }));
    try {
      await db.open();
    } catch (cause) {
      throw new NodeError("NONCE_STORE_UNAVAILABLE", "The nonce store cannot be opened.", { cause });
    }
    const store = new NonceStore(now);
    // After a failed write the store refuses until it has reopened its database (see StoreHealth);
    // claims stay refused in memory meanwhile, so nothing that was claimed can pass twice.
    const health = new StoreHealth({
      part: "nonces",
      code: "NONCE_STORE_UNAVAILABLE",
      message: "The nonce store cannot be written.",
      recover: async () => {
        await reopenWhenRoom(db, dir);
        await db.batch([{ type: "put", key: "~probe", value: "" }, { type: "del", key: "~probe" }], { sync: true });
      },
      logger,
    });
    store.journal = { kind: "own", db, dir, health };
    await store.load(db.values());
    return store.startPruning();
  }

  /**
   * A store that writes its claims into `log`'s group commits (sublevel `n`). Claims still in a
   * store of its own from an earlier version (`legacyDir`) are carried over, so none is forgotten.
   */
  static async inAccessLog(log: AccessLog, options: { legacyDir?: string; now?: () => number } = {}): Promise<NonceStore> {
    const store = new NonceStore(options.now ?? (() => Math.floor(Date.now() / 1000)));
    const handle = log.attach("n", { drain: () => store.drain(), pending: () => store.queue.length > 0 });
    store.journal = { kind: "accessLog", handle, log };
    try {
      await store.load(handle.level.values());
      if (options.legacyDir !== undefined && (await stat(options.legacyDir).catch(() => undefined))) {
        const legacy = new Level<string, string>(options.legacyDir, storeOptions({ valueEncoding: "utf8" }));
        await legacy.open();
        try {
          const before = new Map(store.seen);
          await store.load(legacy.values());
          const carried = [...store.seen].filter(([key]) => !before.has(key));
          await Promise.all(carried.map(([key, expiresAt]) => store.write(key, expiresAt)));
        } finally {
          await legacy.close();
        }
      }
    } catch (cause) {
      throw new NodeError("NONCE_STORE_UNAVAILABLE", "The nonce store cannot be opened.", { cause });
    }
    return store.startPruning();
  }

  private async load(values: AsyncIterable<string>): Promise<void> {
    const t = this.now();
    for await (const value of values) {
      for (const line of value.split("\n")) {
        const cut = line.indexOf(" ");
        const expiresAt = Number(line.slice(0, cut));
        if (expiresAt >= t) this.seen.set(line.slice(cut + 1), expiresAt);
      }
    }
  }

  private startPruning(): this {
    this.pruneTimer = setInterval(() => void this.prune().catch(() => undefined), 60_000);
    this.pruneTimer.unref();
    return this;
  }

  /** False when `key` was claimed before (a replay). Otherwise records it durably until `expiresAt` (unix s). */
  async claim(key: string, expiresAt: number): Promise<boolean> {
    const r = this.reserve(key, expiresAt);
    if (!r.fresh) return false;
    await r.durable;
    return true;
  }

  /** Whether `key` was claimed and has not expired (a look, no claim: the rate limiter asks it). */
  has(key: string): boolean {
    const existing = this.seen.get(key);
    return existing !== undefined && existing >= this.now();
  }

  /**
   * Decides at once whether `key` is fresh and starts writing it; `durable` settles when it is on
   * disk. Callers overlap that write with their own work and await it before answering.
   */
  reserve(key: string, expiresAt: number): { fresh: false } | { fresh: true; durable: Promise<void> } {
    const existing = this.seen.get(key);
    if (existing !== undefined && existing >= this.now()) return { fresh: false };
    this.seen.set(key, expiresAt);
    const durable = this.write(key, expiresAt);
    durable.catch(() => undefined); // awaited by the caller; never an unhandled rejection if it bails out early
    return { fresh: true, durable };
  }

  private write(key: string, expiresAt: number): Promise<void> {
    if (this.closed) return Promise.reject(new NodeError("NONCE_STORE_UNAVAILABLE", "The nonce store is closed."));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ key, expiresAt });
      this.waiters.push({ resolve, reject });
      if (this.journal.kind === "accessLog") this.journal.handle.flushSoon();
      else this.schedule();
    });
  }

  /**
   * Everything queued as one entry ("<expiry> <key>" lines), keyed by the latest expiry in it so
   * pruning is one range delete; per-nonce entries cost more than the rest of the request.
   */
  private drain(): { key: string; value: string; settle(error?: unknown): void } | undefined {
    if (this.queue.length === 0) return undefined;
    const items = this.queue;
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    const latest = items.reduce((m, i) => Math.max(m, i.expiresAt), 0);
    return {
      key: `${latest.toString().padStart(12, "0")}|${++this.flushes}:${process.pid}:${Date.now()}`,
      value: items.map(({ key, expiresAt }) => `${expiresAt} ${key}`).join("\n"),
      settle(cause?: unknown) {
        if (cause === undefined) {
          for (const w of waiters) w.resolve();
          return;
        }
        // Not durable: keep them refused in memory (safe) but fail the requests (fail closed).
        const error = new NodeError("NONCE_STORE_UNAVAILABLE", "The nonce store could not be written.", { cause });
        for (const w of waiters) w.reject(error);
      },
    };
  }

  private schedule(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async flush(): Promise<void> {
    const entry = this.drain();
    if (!entry || this.journal.kind !== "own") return;
    const { db, health } = this.journal;
    if (!health.ok) return entry.settle(health.error());
    try {
      await db.put(entry.key, entry.value, { sync: true });
      entry.settle();
    } catch (cause) {
      health.fail(cause);
      entry.settle(cause);
    }
  }

  async prune(): Promise<void> {
    const t = this.now();
    for (const [key, expiresAt] of this.seen) if (expiresAt < t) this.seen.delete(key);
    const range = { lt: `${(t - 1).toString().padStart(12, "0")}|` };
    if (this.journal.kind === "accessLog") return this.journal.handle.level.clear(range);
    const { db, health } = this.journal;
    health.assertOk();
    try {
      await db.clear(range);
    } catch (cause) {
      throw health.fail(cause);
    }
  }

  /** The store's part of /readyz; kept in the access log, it is available when the log is. */
  status(): PartStatus {
    if (this.journal.kind === "own") return this.journal.health.status();
    const log = this.journal.log.status();
    return log.ready ? { part: "nonces", ready: true } : { part: "nonces", ready: false, code: "NONCE_STORE_UNAVAILABLE", reason: `kept in the access log: ${log.reason}`, since: log.since };
  }

  size(): number {
    return this.seen.size;
  }

  /** Stops pruning; a store of its own also closes its database (the access log closes its own). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.flushing;
    if (this.journal.kind === "own") {
      await this.journal.health.close();
      await this.journal.db.close();
    }
    else {
      this.drain()?.settle(new NodeError("NONCE_STORE_UNAVAILABLE", "The nonce store is closed."));
      this.journal.handle.detach();
    }
  }
}
