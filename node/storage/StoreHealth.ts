// Whether a store can still write, and how it comes back after a write failed (a full disk,
// a quota, an I/O error).
//
// After one failed write a LevelDB handle must not write again: measured on a full tmpfs, the
// failed batch leaves a torn record at the end of the write-ahead log, LevelDB keeps appending
// after it, and a later write that was acknowledged (synced) is silently dropped when the
// database is next opened. So a store that saw a write fail refuses every write until it has
// closed and reopened its database (which rolls the log back to its last whole record) and
// reloaded what it keeps in memory from disk. Reopening needs room on the disk (it rewrites the
// log as a table); a reopen that fails leaves the database closed, so it is tried only when
// the disk has room again, and until then the store keeps serving reads from the open handle.
import { open, readdir, stat, statfs, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { NodeError } from "../NodeError.js";

/** One part of the node as /readyz reports it. */
export type PartStatus = {
  part: string;
  ready: boolean;
  /** The code requests touching the part are refused with while it is unavailable. */
  code?: string;
  /** Why, in words an operator acts on (no paths): "ENOSPC: no space left on device". */
  reason?: string;
  /** Unix ms of the failure. */
  since?: number;
};

export type StoreHealthOptions = {
  /** Name in /readyz: accessLog, nonces, vault, index, chain. */
  part: string;
  /** NodeError code writes (and, where the store says so, reads) fail with while unavailable. */
  code: string;
  message: string;
  /** Reopens the store and reloads its memory from disk; throws while that is not yet possible. */
  recover: () => Promise<void>;
  logger?: Logger;
  /** First retry after this long (default 500 ms), doubling up to `maxRetryMs` (default 5 s). */
  retryMs?: number;
  maxRetryMs?: number;
};

/** A short, path-free reason for a failed write, from its error chain. */
export function writeFailureReason(cause: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = cause, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const err = e as { code?: unknown; message?: unknown; cause?: unknown };
    parts.push(String(err.code ?? ""), String(err.message ?? e));
    e = err.cause;
  }
  const text = parts.join(" ");
  if (/ENOSPC|no space left/i.test(text)) return "ENOSPC: no space left on device";
  if (/EDQUOT|quota/i.test(text)) return "EDQUOT: disk quota exceeded";
  if (/EROFS|read-only/i.test(text)) return "EROFS: read-only file system";
  if (/EIO\b|I\/?O error/i.test(text)) return "EIO: input/output error";
  return "write failed";
}

/**
 * The write health of one store. `fail` records the first failure and starts retrying
 * `recover` in the background (with backoff, never keeping the process alive); the store is
 * available again once `recover` resolves.
 */
export class StoreHealth {
  readonly part: string;
  private failure: { reason: string; since: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  private recovering: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: StoreHealthOptions) {
    this.part = options.part;
    this.delay = options.retryMs ?? 500;
  }

  get ok(): boolean {
    return this.failure === undefined;
  }

  status(): PartStatus {
    if (!this.failure) return { part: this.part, ready: true };
    return { part: this.part, ready: false, code: this.options.code, reason: this.failure.reason, since: this.failure.since };
  }

  /** The coded error for refusing while unavailable. */
  error(cause?: unknown): NodeError {
    return new NodeError(this.options.code, this.options.message, { cause, details: { part: this.part, reason: this.failure?.reason } });
  }

  /** Throws the coded error while the store is unavailable. */
  assertOk(): void {
    if (this.failure) throw this.error();
  }

  /** Records a failed write (the first one counts) and returns the coded error to fail with. */
  fail(cause: unknown): NodeError {
    if (!this.failure && !this.closed) {
      this.failure = { reason: writeFailureReason(cause), since: Date.now() };
      this.delay = this.options.retryMs ?? 500;
      this.options.logger?.error(
        { event: "store_unavailable", part: this.part, code: this.options.code, reason: this.failure.reason, err: cause },
        "a write failed: the store refuses until it has recovered",
      );
      this.schedule();
    }
    return this.error(cause);
  }

  /** Tries to recover now (tests, operators); resolves when the attempt is over. */
  async retryNow(): Promise<boolean> {
    if (this.ok) return true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.recovering) this.attempt();
    await this.recovering;
    return this.ok;
  }

  private schedule(): void {
    if (this.closed || this.timer || this.recovering) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.attempt();
    }, this.delay);
    this.timer.unref();
  }

  private attempt(): void {
    this.recovering = this.options
      .recover()
      .then(
        () => {
          const since = this.failure?.since;
          this.failure = undefined;
          this.options.logger?.info({ event: "store_recovered", part: this.part, downMs: since === undefined ? undefined : Date.now() - since }, "the store writes again");
        },
        (error: unknown) => {
          this.options.logger?.debug({ event: "store_recovery_failed", part: this.part, reason: writeFailureReason(error) }, "the store is still unavailable");
          this.delay = Math.min(this.delay * 2, this.options.maxRetryMs ?? 5_000);
        },
      )
      .finally(() => {
        this.recovering = undefined;
        if (this.failure) this.schedule();
      });
  }

  /** Stops retrying (the store is closing); waits for an attempt in progress. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.recovering;
  }
}

/** What reopening a LevelDB needs: its handle with close and open. */
type Reopenable = { close(): Promise<void>; open(): Promise<void>; status: string };

/**
 * Reopens the LevelDB in `dir` once the disk has room for it: the write-ahead logs are rewritten
 * as a table on open, so that much free space (and a little more) must be there, and a small
 * synced probe file must write. Until then it throws and leaves the open handle serving reads.
 */
export async function reopenWhenRoom(db: Reopenable, dir: string): Promise<void> {
  let logBytes = 0;
  for (const name of await readdir(dir)) if (name.endsWith(".log")) logBytes += (await stat(join(dir, name))).size;
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  const needed = Math.ceil(logBytes * 1.25) + 2 ** 20;
  if (free < needed) throw new NodeError("STORE_NO_ROOM", `${free} bytes free, ${needed} needed to reopen`, { cause: { code: "ENOSPC" } });
  const probe = join(dir, "write-probe.tmp");
  const file = await open(probe, "w");
  try {
    await file.write(Buffer.alloc(64 * 1024));
    await file.sync();
  } finally {
    await file.close();
    await unlink(probe).catch(() => undefined);
  }
  if (db.status === "open") await db.close();
  await db.open();
}
