// Puts the access log's batch roots on chain, in order, forever.
//
// Every `intervalMs`, or as soon as `maxRecords` records wait, the records not yet batched are
// cut into batches (stored before anything is sent), and pending batches are anchored one after
// the other. A failure (chain down, node restarting) leaves the batch pending and retries it with
// backoff; new records keep flowing and keep being batched meanwhile. Batches are never skipped
// or re-numbered. After a crash between "sent" and "marked anchored", the chain's own record of
// the batch (its event) is recognised and adopted instead of sending it twice.
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import { NodeError } from "../NodeError.js";
import type { AccessBatch, AccessLog } from "./AccessLog.js";
import type { AnchorTarget, ChainBatch } from "./AnchorTarget.js";

export type AnchorerOptions = {
  /** Records per batch at most (default 1000). */
  maxRecords?: number;
  /** Cut and anchor at least this often (default 1000 ms). */
  intervalMs?: number;
  /** First retry delay after a failure (default 500 ms, doubling up to 10 s). */
  retryMs?: number;
  /** Anchor transactions sent back to back when batches queue up (default 16). */
  maxInFlight?: number;
  logger?: Logger;
};

export type AnchorerStatus = {
  state: "idle" | "running" | "retrying" | "halted" | "stopped";
  pendingBatches: number;
  unbatchedRecords: number;
  anchoredBatches: number;
  lastAnchoredSeq: number;
  lastError?: { code: string; message: string; at: number };
};

export class Anchorer {
  private readonly log: AccessLog;
  private readonly target: AnchorTarget;
  private readonly maxRecords: number;
  private readonly intervalMs: number;
  private readonly retryMs: number;
  private readonly maxInFlight: number;
  private readonly logger: Logger | undefined;
  private readonly events = new EventEmitter();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private state: AnchorerStatus["state"] = "idle";
  private lastError: AnchorerStatus["lastError"];
  private backoff: number;
  private retryAt = 0;
  private reconciled = false;
  private unsubscribe: (() => void) | undefined;

  constructor(log: AccessLog, target: AnchorTarget, options: AnchorerOptions = {}) {
    this.log = log;
    this.target = target;
    this.maxRecords = options.maxRecords ?? 1000;
    this.intervalMs = options.intervalMs ?? 1000;
    this.retryMs = options.retryMs ?? 500;
    this.maxInFlight = options.maxInFlight ?? 16;
    this.backoff = this.retryMs;
    this.logger = options.logger;
    if (this.maxRecords < 1 || this.intervalMs < 10) {
      throw new NodeError("ACCESSLOG_INVALID_CONFIG", "maxRecords must be >= 1 and intervalMs >= 10");
    }
    this.events.setMaxListeners(0);
  }

  start(): void {
    if (this.timer) return;
    this.state = "running";
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
    this.unsubscribe = this.log.onAppend(() => {
      if (this.log.lastSeq() - this.log.lastBatchedSeq() >= this.maxRecords) this.kick();
    });
    this.kick();
  }

  /** Runs one round now (or right after the current one). */
  kick(): Promise<void> {
    if (this.state === "halted" || this.state === "stopped") return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    // round() settles every failure itself; the catch is the last line of defence, since the
    // interval and the append listener call kick() without awaiting it.
    this.running = this.round().catch((error: unknown) => this.noteFailure(error)).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.kick();
      }
    });
    return this.running;
  }

  /** Resolves when every record appended so far is anchored (or rejects after `timeoutMs`). */
  async flush(timeoutMs = 30_000): Promise<void> {
    const target = this.log.lastSeq();
    const deadline = Date.now() + timeoutMs;
    while (this.lastAnchoredSeq() < target) {
      if (this.state === "halted") throw new NodeError("ACCESSLOG_ANCHORING_HALTED", this.lastError?.message ?? "halted");
      if (Date.now() > deadline) throw new NodeError("ACCESSLOG_ANCHOR_TIMEOUT", `records up to ${target} not anchored in time`);
      this.retryAt = 0;
      await this.kick();
      if (this.lastAnchoredSeq() < target) await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Emits each batch once it is anchored. */
  onAnchored(listener: (batch: AccessBatch) => void): () => void {
    this.events.on("anchored", listener);
    return () => this.events.off("anchored", listener);
  }

  status(): AnchorerStatus {
    const batches = this.log.listBatches();
    const pending = batches.filter((b) => b.status === "pending").length;
    return {
      state: this.state,
      pendingBatches: pending,
      unbatchedRecords: this.log.lastSeq() - this.log.lastBatchedSeq(),
      anchoredBatches: batches.length - pending,
      lastAnchoredSeq: this.lastAnchoredSeq(),
      lastError: this.lastError,
    };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    if (this.state !== "halted") this.state = "stopped";
    while (this.running) await this.running;
  }

  private lastAnchoredSeq(): number {
    const batches = this.log.listBatches();
    for (let i = batches.length - 1; i >= 0; i--) if (batches[i].status === "anchored") return batches[i].lastSeq;
    return 0;
  }

  private async round(): Promise<void> {
    try {
      // Cutting batches only touches local storage: it goes on while the chain is away. When the
      // log cannot be written (a full disk), nothing is cut or marked until it has recovered;
      // the records stay unbatched and the next round after that cuts them.
      while (this.log.lastSeq() > this.log.lastBatchedSeq()) {
        const batch = await this.log.cutBatch(this.maxRecords);
        if (!batch) break;
      }
      if (Date.now() < this.retryAt) return;
      if (!this.reconciled) await this.reconcile();
      await this.anchorPending();
      this.backoff = this.retryMs;
      if (this.state === "retrying") this.state = "running";
    } catch (error) {
      this.noteFailure(error);
    }
  }

  /** A failed round: remembered for status(), retried with backoff. */
  private noteFailure(error: unknown): void {
    if (this.state === "halted" || this.state === "stopped") return;
    const code = error instanceof NodeError ? error.code : "ACCESSLOG_CHAIN_UNAVAILABLE";
    this.lastError = { code, message: error instanceof Error ? error.message : String(error), at: Date.now() };
    this.state = "retrying";
    this.retryAt = Date.now() + this.backoff;
    this.backoff = Math.min(this.backoff * 2, 10_000);
    this.logger?.warn({ event: "anchor_retry", code, retryInMs: this.retryAt - Date.now() }, "anchoring will be retried");
  }

  /** Anchors pending batches in order, up to `maxInFlight` transactions at a time. */
  private async anchorPending(): Promise<void> {
    for (;;) {
      const pending = this.log.listBatches().filter((b) => b.status === "pending").slice(0, this.maxInFlight);
      if (pending.length === 0) return;
      try {
        const confirmations = await this.target.anchorPipelined(pending);
        for (let i = 0; i < pending.length; i++) {
          const result = await confirmations[i];
          const updated = await this.log.markAnchored(pending[i].index, result);
          this.logger?.info({ event: "batch_anchored", batch: updated.index, firstSeq: updated.firstSeq, lastSeq: updated.lastSeq, tx: result.txHash });
          this.events.emit("anchored", updated);
        }
      } catch (error) {
        await this.recover(error, pending[0]);
      }
    }
  }

  /**
   * After a failed send or confirmation: if the chain already holds `batch` (sent before a crash,
   * or earlier members of a pipelined train that did land), adopt what it holds and carry on;
   * otherwise rethrow so the round backs off and retries.
   */
  private async recover(error: unknown, batch: AccessBatch): Promise<void> {
    const head = await this.target.head();
    if (head.batches > batch.index) {
      this.reconciled = false;
      await this.reconcile();
      return;
    }
    throw error;
  }

  /** Adopts batches the chain already has; halts if the chain disagrees with the local log. */
  private async reconcile(): Promise<void> {
    const head = await this.target.head();
    const local = this.log.listBatches();
    if (head.batches > local.filter((b) => b.status === "anchored").length) {
      const onChain: ChainBatch[] = await this.target.anchoredBatches();
      for (const chainBatch of onChain) {
        const mine = local[chainBatch.index];
        if (!mine || mine.root !== chainBatch.root || mine.firstSeq !== chainBatch.firstSeq || mine.lastSeq !== chainBatch.lastSeq) {
          this.state = "halted";
          const error = new NodeError(
            "ACCESSLOG_CHAIN_MISMATCH",
            `batch ${chainBatch.index} on chain does not match the local log`,
            { details: { batch: chainBatch.index } },
          );
          this.lastError = { code: error.code, message: error.message, at: Date.now() };
          this.logger?.error({ event: "anchor_halted", batch: chainBatch.index }, error.message);
          throw error;
        }
        if (mine.status !== "anchored") {
          const updated = await this.log.markAnchored(mine.index, { txHash: chainBatch.txHash, blockNumber: chainBatch.blockNumber });
          this.events.emit("anchored", updated);
        }
      }
    }
    this.reconciled = true;
  }
}
