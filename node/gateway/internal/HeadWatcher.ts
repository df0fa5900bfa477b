// The newest chain head the gateway has heard of, learned independently of the index: the gateway
// refuses to decide from an index older than this head (GatewayContext.assertFresh), so it must
// learn of a block even while the index is busy fetching an earlier one's logs. The index's own
// head only moves when a sync starts, which a slow eth_getLogs holds back for as long as it takes.
import type { Logger } from "pino";
import { WebSocket } from "ws";
import type { Transport } from "@imi-ledger/sdk";

export type HeadWatcherConfig = {
  /** HTTP JSON-RPC (or any transport) for `eth_blockNumber` polling. */
  rpc: Transport;
  /** WebSocket JSON-RPC: with it, heads are pushed by `eth_subscribe("newHeads")` as blocks are sealed. */
  wsUrl?: string;
  /** How often to poll `eth_blockNumber` while no subscription is live (ms). */
  pollIntervalMs: number;
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

  constructor(private readonly config: HeadWatcherConfig) {}

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
      let msg: { id?: number; result?: unknown; error?: unknown; method?: string; params?: { result?: { number?: string } } };
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
      const number = msg.method === "eth_subscription" ? msg.params?.result?.number : undefined;
      if (typeof number !== "string") return;
      try {
        this.lastHeardAt = Date.now();
        this.see(Number(BigInt(number)));
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
