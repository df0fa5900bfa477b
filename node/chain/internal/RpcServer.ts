import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import { NodeError } from "../../NodeError.js";
import type { BlockRecord } from "./blocks.js";
import type { ChainEngine } from "./ChainEngine.js";
import { RPC_ERROR, type RpcHandler, type Subscriber } from "./RpcHandler.js";
import type { Json } from "./format.js";

export interface RpcServerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  maxBatch: number;
}

/**
 * JSON-RPC over HTTP (POST, single or batch) and WebSocket (same port, plus eth_subscribe).
 * Limits are enforced before parsing: oversized bodies are cut off with HTTP 413.
 */
export class RpcServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly handler: RpcHandler;
  private readonly opts: RpcServerOptions;
  private readonly log: Logger;
  private readonly subscribers = new Set<Subscriber>();
  private readonly onBlock: (record: BlockRecord) => void;
  private readonly engine: ChainEngine;

  constructor(engine: ChainEngine, handler: RpcHandler, opts: RpcServerOptions, log: Logger) {
    this.engine = engine;
    this.handler = handler;
    this.opts = opts;
    this.log = log;
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.http.keepAliveTimeout = 30_000;
    this.wss = new WebSocketServer({ server: this.http, maxPayload: opts.maxBodyBytes });
    this.wss.on("connection", (ws) => this.onConnection(ws));
    // ws re-emits the HTTP server's own errors (a busy port) here, where nobody listened, and the
    // process died on an unhandled 'error'; listen() reports them as CHAIN_RPC_LISTEN_FAILED.
    this.wss.on("error", (err) => this.log.debug({ event: "chain.rpc_server_error", err }, "RPC server error"));
    this.onBlock = (record) => {
      for (const sub of this.subscribers) {
        for (const [id, spec] of sub.subscriptions) {
          for (const result of this.handler.notifications(record, spec)) {
            sub.send({ jsonrpc: "2.0", method: "eth_subscription", params: { subscription: id, result } });
          }
        }
      }
    };
    engine.on("block", this.onBlock);
  }

  async listen(): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) =>
        reject(
          new NodeError(
            "CHAIN_RPC_LISTEN_FAILED",
            err.code === "EADDRINUSE" ? `rpc port: ${this.opts.host}:${this.opts.port} is already in use. Pick another --port.` : `rpc: cannot listen on ${this.opts.host}:${this.opts.port}`,
            { cause: err },
          ),
        );
      this.http.once("error", onError);
      this.http.listen(this.opts.port, this.opts.host, () => {
        this.http.off("error", onError);
        resolve();
      });
    });
    const a = this.http.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  async close(): Promise<void> {
    this.engine.off("block", this.onBlock);
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      this.reply(res, 405, { jsonrpc: "2.0", id: null, error: { code: RPC_ERROR.invalidRequest, message: "invalid request: use HTTP POST" } });
      return;
    }
    const tooLarge = () =>
      this.reply(res, 413, { jsonrpc: "2.0", id: null, error: { code: RPC_ERROR.invalidRequest, message: `request too large: the limit is ${this.opts.maxBodyBytes} bytes` } });
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > this.opts.maxBodyBytes) {
      res.setHeader("connection", "close");
      tooLarge();
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    try {
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > this.opts.maxBodyBytes) {
          aborted = true;
          break;
        }
        chunks.push(chunk as Buffer);
      }
    } catch {
      return;
    }
    if (aborted) {
      res.setHeader("connection", "close");
      tooLarge();
      req.destroy();
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      this.reply(res, 200, { jsonrpc: "2.0", id: null, error: { code: RPC_ERROR.parse, message: "parse error: the body is not valid JSON" } });
      return;
    }
    const out = await this.handler.handle(body, this.opts.maxBatch);
    if (out === undefined) {
      res.writeHead(204).end();
      return;
    }
    this.reply(res, 200, out);
  }

  private onConnection(ws: WebSocket): void {
    const sub: Subscriber = {
      subscriptions: new Map(),
      send: (message: Json) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
      },
    };
    this.subscribers.add(sub);
    ws.on("close", () => this.subscribers.delete(sub));
    ws.on("error", (err) => this.log.debug({ event: "rpc.ws_error", err }, "websocket error"));
    ws.on("message", (raw) => {
      void (async () => {
        let body: unknown;
        try {
          body = JSON.parse(raw.toString());
        } catch {
          sub.send({ jsonrpc: "2.0", id: null, error: { code: RPC_ERROR.parse, message: "parse error: the message is not valid JSON" } });
          return;
        }
        const out = await this.handler.handle(body, this.opts.maxBatch, sub);
        if (out !== undefined) sub.send(out as unknown as Json);
      })();
    });
  }
}
