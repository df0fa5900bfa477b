// The newest chain head the gateway has heard of, learned independently of the index: the gateway
// refuses to decide from an index older than this head (GatewayContext.assertFresh), so it must
// learn of a block even while the index is busy fetching an earlier one's logs. The index's own
// head only moves when a sync starts, which a slow eth_getLogs holds back for as long as it takes.
import type { Logger } from "pino";
import { WebSocket } from "ws";
import type { Transport } from "@imi-ledger/sdk";
import { bloomMayHold, parseBloom } from "./logsBloom.js";

export type HeadWatcherConfig = {
  /** HTTP JSON-RPC (or any transport) for `eth_blockNumber` polling. */
  rpc: Transport;
  /** WebSocket JSON-RPC: with it, heads are pushed by `eth_subscribe("newHeads")` as blocks are sealed. */
  wsUrl?: string;
  /** How often to poll `eth_blockNumber` while no subscription is live (ms). */
  pollIntervalMs: number;
  /**
   * The contracts whose logs can change a decision (every IMI contract but the access log). A pushed
   * head whose logsBloom proves it holds none of their logs is "neutral" (see {@link clearThrough}).
   */
  decisionContracts?: readonly string[];
  /** Called with each head newer than any seen before (the gateway wakes its index with it). */
  onHead?: (block: number) => void;
  logger?: Logger;
};

/**
 * Follows the chain head: by subscription when a WebSocket is given and live (the window between a
 * block being sealed and the gateway knowing of it is the push's propagation time), by polling
 * otherwise (the window is up to one poll interval). A silent WebSocket is pinged and, when it does
 * not answer, dropped, so polling takes over.
 */
export class HeadWatcher {
  /** The newest head seen (-1: none yet). Only ever grows. */
  head = -1;
  /** Wall-clock ms of the last answer from the chain (a head, a poll or a pong); 0: never. */
  lastHeardAt = 0;
  private ws: WebSocket | undefined;
  private subscribed = false;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  private polling: Promise<void> | undefined;
  /** Pushed heads proven to hold no log of a decision contract: block -> its timestamp (unix s). */
  private readonly neutral = new Map<number, number>();

  constructor(private readonly config: HeadWatcherConfig) {}

  /**
   * How far past `indexed` the view stands unchanged: the highest block b such that every block in
   * (indexed, b] came by subscription with a logsBloom proving it holds no log of a decision
   * contract, with b's timestamp (0 when b = indexed). A block learned any other way (a poll gives
   * only a number, a dropped subscription skips heads), or whose bloom may hold such a log, ends the
   * run: the gateway waits for the index there, as before. Blocks at or below `indexed` are forgotten.
   */
  clearThrough(indexed: number): { block: number; time: number } {
    for (const block of this.neutral.keys()) if (block <= indexed) this.neutral.delete(block);
    let block = indexed;
    let time = 0;
    for (let t = this.neutral.get(block + 1); t !== undefined; t = this.neutral.get(block + 1)) {
      block++;
      time = t;
    }
    return { block, time };
  }

  /** Notes a pushed head that cannot change a decision; before `see`, so a waiter woken by it finds it. */
  private noteNeutral(head: { number: number; logsBloom?: unknown; timestamp?: unknown }): void {
    const contracts = this.config.decisionContracts;
    const bloom = parseBloom(head.logsBloom);
    if (!contracts || !bloom || typeof head.timestamp !== "string") return;
    if (contracts.some((address) => bloomMayHold(bloom, address))) return;
    const time = Number(BigInt(head.timestamp));
    if (!Number.isSafeInteger(time)) return;
    // Bounded: the index forgets what it passed (clearThrough); a stalled index keeps at most this many.
    if (this.neutral.size >= 10_000) this.neutral.delete(this.neutral.keys().next().value!);
    this.neutral.set(head.number, time);
  }

  /** Whether heads are being pushed to the gateway now (else it polls). */
  get live(): boolean {
    return this.subscribed;
  }

  start(): void {
    if (this.closed || this.timer) return;
    const tick = () => {
      if (this.closed) return;
      // With a live subscription the poll is not needed for heads; the index's own polling keeps
      // "last heard" fresh on an idle chain.
      const run = this.subscribed ? Promise.resolve() : this.poll();
      void run.finally(() => {
        if (!this.closed) this.timer = setTimeout(tick, this.config.pollIntervalMs);
      });
    };
    tick();
    if (this.config.wsUrl) this.connect(this.config.wsUrl);
  }

  /** Asks the chain for its head once (joining a poll in flight). Failures leave the head as it was. */
  poll(): Promise<void> {
    this.polling ??= (async () => {
      try {
        const head = Number(BigInt(await this.config.rpc.request<string>("eth_blockNumber")));
        this.lastHeardAt = Date.now();
        this.see(head);
      } catch {
        // Not heard: lastHeardAt ages and the gateway reports the chain unavailable.
      } finally {
        this.polling = undefined;
      }
    })();
    return this.polling;
  }

  private see(head: number): void {
    if (!Number.isSafeInteger(head) || head <= this.head) return;
    this.head = head;
    this.config.onHead?.(head);
  }

  private connect(url: string): void {
    if (this.closed) return;
    const ws = new WebSocket(url);
    this.ws = ws;
    let answered = true;
    ws.on("open", () => {
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
      this.heartbeat = setInterval(() => {
        if (!answered) return ws.terminate();
        answered = false;
        ws.ping();
      }, Math.max(1_000, this.config.pollIntervalMs * 4));
      this.heartbeat.unref();
    });
    ws.on("pong", () => {
      answered = true;
      this.lastHeardAt = Date.now();
    });
    ws.on("message", (data) => {
      answered = true;
      let msg: { id?: number; result?: unknown; error?: unknown; method?: string; params?: { result?: { number?: string; logsBloom?: unknown; timestamp?: unknown } } };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return;
      }
      if (msg.id === 1) {
        this.subscribed = typeof msg.result === "string";
        if (!this.subscribed) this.config.logger?.warn({ event: "heads-subscribe-refused" }, "the chain refused a newHeads subscription; polling for heads");
        // Heads sealed while connecting were not pushed: ask once.
        void this.poll();
        return;
      }
      const pushed = msg.method === "eth_subscription" ? msg.params?.result : undefined;
      const number = pushed?.number;
      if (typeof number !== "string") return;
      try {
        this.lastHeardAt = Date.now();
        const n = Number(BigInt(number));
        if (Number.isSafeInteger(n) && n > this.head) this.noteNeutral({ ...pushed, number: n });
        this.see(n);
      } catch {
        // A malformed head is ignored; polling still runs when the subscription is not live.
      }
    });
    ws.on("error", () => undefined);
    ws.on("close", () => {
      this.subscribed = false;
      if (this.heartbeat) clearInterval(this.heartbeat);
      if (!this.closed) setTimeout(() => this.connect(url), 500).unref();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribed = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.ws?.terminate();
  }
}
