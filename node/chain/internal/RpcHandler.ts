import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { bigIntToHex, bytesToHex, hexToBytes, intToHex, isValidAddress } from "@ethereumjs/util";
import { NodeError } from "../../NodeError.js";
import type { BlockRecord } from "./blocks.js";
import { throwExecError, type AccountOverride, type CallRequest, type StateOverride } from "./calls.js";
import type { ChainEngine } from "./ChainEngine.js";
import type { LogFilter } from "./logQueries.js";
import { keccak256 } from "./crypto.js";
import { formatBlock, formatHeader, formatLog, formatReceipt, formatTx, type Json } from "./format.js";

export const CLIENT_VERSION = "imi-chain/0.1.0";

/** Standard JSON-RPC error codes, plus the Ethereum ones clients recognise. */
export const RPC_ERROR = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  server: -32000,
  limitExceeded: -32005,
  /** Besu's code for a sender refused by account permissioning. */
  notAuthorized: -32007,
  executionReverted: 3,
} as const;

const CODE_TO_RPC: Record<string, number> = {
  RPC_INVALID_PARAMS: RPC_ERROR.invalidParams,
  RPC_METHOD_NOT_FOUND: RPC_ERROR.methodNotFound,
  RPC_INVALID_REQUEST: RPC_ERROR.invalidRequest,
  CHAIN_EXECUTION_REVERTED: RPC_ERROR.executionReverted,
  CHAIN_TX_NOT_ALLOWED: RPC_ERROR.notAuthorized,
  CHAIN_LOG_RANGE: RPC_ERROR.limitExceeded,
  RPC_LIMIT: RPC_ERROR.limitExceeded,
};

export interface RpcError {
  code: number;
  message: string;
  data?: Json;
}

export interface RpcResponse {
  jsonrpc: "2.0";
  id: string | number | null;
  result?: Json;
  error?: RpcError;
}

/** A WebSocket connection's side of eth_subscribe. */
export interface Subscriber {
  subscriptions: Map<string, SubscriptionSpec>;
  send(message: Json): void;
}

export type SubscriptionSpec = { kind: "newHeads" } | { kind: "logs"; addresses: Uint8Array[]; topics: (Uint8Array[] | null)[] };

interface PollFilter {
  kind: "block" | "logs" | "pending";
  /** Transactions admitted since the last poll (pending filters), bounded. */
  hashes?: string[];
  next: bigint;
  logs?: Omit<LogFilter, "fromBlock" | "toBlock"> & { fromBlock?: bigint; toBlock?: bigint };
  touched: number;
}

function invalid(message: string): NodeError {
  return new NodeError("RPC_INVALID_PARAMS", `invalid params: ${message}`);
}

const HEX_QUANTITY = /^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/;
const HEX_DATA = /^0x([0-9a-fA-F]{2})*$/;

function quantity(v: unknown, name: string): bigint {
  if (typeof v !== "string" || !HEX_QUANTITY.test(v)) throw invalid(`${name} must be a hex quantity`);
  return BigInt(v);
}

function data(v: unknown, name: string): Uint8Array {
  if (typeof v !== "string" || !HEX_DATA.test(v)) throw invalid(`${name} must be 0x-prefixed hex bytes`);
  return hexToBytes(v as `0x${string}`);
}

function hash32(v: unknown, name: string): Uint8Array {
  const bytes = data(v, name);
  if (bytes.length !== 32) throw invalid(`${name} must be 32 bytes`);
  return bytes;
}

function address(v: unknown, name: string): string {
  if (typeof v !== "string" || !isValidAddress(v)) throw invalid(`${name} must be an address`);
  return v.toLowerCase();
}

function bool(v: unknown, name: string): boolean {
  if (typeof v !== "boolean") throw invalid(`${name} must be a boolean`);
  return v;
}

function optional<T>(v: unknown, parse: (v: unknown, name: string) => T, name: string): T | undefined {
  return v === undefined || v === null ? undefined : parse(v, name);
}

/** A PERM method's list of accounts (1 to 1,024 addresses, lowercased). */
function accountList(v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > 1_024) throw invalid("accounts: give an array of 1 to 1,024 addresses");
  return v.map((a, i) => address(a, `accounts[${i}]`).toLowerCase());
}

/** Parses `{ address, topics }` of eth_getLogs / eth_subscribe("logs"). */
function logCriteria(o: Record<string, unknown>): { addresses: Uint8Array[]; topics: (Uint8Array[] | null)[] } {
  const addresses: Uint8Array[] = [];
  if (o.address !== undefined && o.address !== null) {
    const list = Array.isArray(o.address) ? o.address : [o.address];
    for (const a of list) addresses.push(hexToBytes(address(a, "address") as `0x${string}`));
  }
  const topics: (Uint8Array[] | null)[] = [];
  if (o.topics !== undefined && o.topics !== null) {
    if (!Array.isArray(o.topics) || o.topics.length > 4) throw invalid("topics must be an array of at most 4 entries");
    for (const t of o.topics) {
      if (t === null) topics.push(null);
      else if (Array.isArray(t)) topics.push(t.map((x) => hash32(x, "topic")));
      else topics.push([hash32(t, "topic")]);
    }
  }
  return { addresses, topics };
}

/**
 * The Ethereum JSON-RPC methods the node offers (eth_, net_, web3_ only: no admin, personal,
 * debug or miner namespaces). Transport-independent: HTTP and WebSocket both call `handle`.
 */
export class RpcHandler {
  private readonly engine: ChainEngine;
  private readonly log: Logger;
  private readonly filters = new Map<string, PollFilter>();
  private readonly methods: Record<string, (params: unknown[], sub: Subscriber | undefined) => Promise<Json>>;

  constructor(engine: ChainEngine, log: Logger, options: { permApi?: boolean } = {}) {
    this.engine = engine;
    this.log = log;
    engine.on("pending", (hash) => {
      for (const f of this.filters.values()) {
        if (f.kind === "pending" && f.hashes!.length < MAX_PENDING_HASHES) f.hashes!.push(hash);
      }
    });
    const e = engine;
    this.methods = {
      web3_clientVersion: async () => CLIENT_VERSION,
      web3_sha3: async ([d]) => bytesToHex(keccak256(data(d, "data"))),
      // Besu's PERM methods over the node's own (genesis) allowlist, offered only when the node
      // was started with permApi on a loopback host: they change who may send transactions.
      ...(options.permApi
        ? {
            perm_getAccountsAllowlist: async () => this.localAllowlistOrRefuse(),
            perm_addAccountsToAllowlist: async ([list]) => (this.localAllowlistOrRefuse(), await e.changeLocalAllowlist(accountList(list), true), "Success"),
            perm_removeAccountsFromAllowlist: async ([list]) => (this.localAllowlistOrRefuse(), await e.changeLocalAllowlist(accountList(list), false), "Success"),
          }
        : {}),
      net_version: async () => e.chainId.toString(),
      net_listening: async () => true,
      net_peerCount: async () => "0x0",
      eth_chainId: async () => bigIntToHex(e.chainId),
      eth_syncing: async () => false,
      eth_mining: async () => true,
      eth_hashrate: async () => "0x0",
      eth_accounts: async () => [],
      // Blocks are sealed as soon as transactions arrive (instant finality). Deployment tools
      // (Hardhat Ignition) ask this to wait for one confirmation instead of five; anvil answers it too.
      hardhat_getAutomine: async () => true,
      eth_coinbase: async () => e.validator.toString(),
      eth_blockNumber: async () => bigIntToHex(e.headNumber),
      // A permissioned network with no token: gas is free and the base fee stays zero.
      eth_gasPrice: async () => "0x0",
      eth_maxPriorityFeePerGas: async () => "0x0",
      eth_blobBaseFee: async () => "0x1",
      eth_feeHistory: async (p) => this.feeHistory(p),
      eth_getBalance: async ([a, tag]) => bigIntToHex((await e.getAccount(address(a, "address"), await this.stateBlock(tag))).balance),
      eth_getTransactionCount: async ([a, tag]) => {
        const addr = address(a, "address");
        if (tag === "pending") return bigIntToHex(await e.pendingNonce(addr));
        return bigIntToHex((await e.getAccount(addr, await this.stateBlock(tag))).nonce);
      },
      eth_getCode: async ([a, tag]) => bytesToHex(await e.getCode(address(a, "address"), await this.stateBlock(tag))),
      eth_getStorageAt: async ([a, slot, tag]) => bytesToHex(await e.getStorageAt(address(a, "address"), hexToBytes(padSlot(quantityOrData(slot))), await this.stateBlock(tag))),
      eth_sendRawTransaction: async ([raw]) => e.sendRawTransaction(data(raw, "transaction")),
      eth_call: async ([req, tag, overrides]) => {
        const result = await e.call(callRequest(req), await this.stateBlock(tag), stateOverride(overrides));
        if (result.execResult.exceptionError !== undefined) throwExecError(result);
        return bytesToHex(result.execResult.returnValue);
      },
      eth_estimateGas: async ([req, tag, overrides]) => bigIntToHex(await e.estimateGas(callRequest(req), await this.stateBlock(tag), stateOverride(overrides))),
      eth_getBlockByNumber: async ([tag, full]) => {
        const n = this.blockNumber(tag);
        const record = n === undefined ? undefined : await e.blockByNumber(n);
        return record === undefined ? null : formatBlock(record, bool(full ?? false, "full"));
      },
      eth_getBlockByHash: async ([h, full]) => {
        const record = await e.blockByHash(hash32(h, "block hash"));
        return record === undefined ? null : formatBlock(record, bool(full ?? false, "full"));
      },
      eth_getBlockTransactionCountByNumber: async ([tag]) => {
        const n = this.blockNumber(tag);
        const record = n === undefined ? undefined : await e.blockByNumber(n);
        return record === undefined ? null : intToHex(record.block.transactions.length);
      },
      eth_getBlockTransactionCountByHash: async ([h]) => {
        const record = await e.blockByHash(hash32(h, "block hash"));
        return record === undefined ? null : intToHex(record.block.transactions.length);
      },
      eth_getUncleCountByBlockNumber: async () => "0x0",
      eth_getUncleCountByBlockHash: async () => "0x0",
      eth_getTransactionByHash: async ([h]) => {
        const hex = bytesToHex(hash32(h, "transaction hash"));
        const found = await e.txLocation(hex);
        if (found !== undefined) {
          return formatTx(found.record.block.transactions[found.index]!, found.record.senders[found.index]!, found.record, found.index);
        }
        const pending = e.pool.get(hex) ?? e.sealing.get(hex);
        return pending === undefined ? null : formatTx(pending.tx, hexToBytes(pending.from as `0x${string}`), undefined, undefined);
      },
      eth_getTransactionByBlockNumberAndIndex: async ([tag, i]) => {
        const n = this.blockNumber(tag);
        const record = n === undefined ? undefined : await e.blockByNumber(n);
        return txAt(record, Number(quantity(i, "index")));
      },
      eth_getTransactionByBlockHashAndIndex: async ([h, i]) => txAt(await e.blockByHash(hash32(h, "block hash")), Number(quantity(i, "index"))),
      eth_getTransactionReceipt: async ([h]) => {
        const found = await e.txLocation(bytesToHex(hash32(h, "transaction hash")));
        return found === undefined ? null : formatReceipt(found.record, found.index, e.common);
      },
      eth_getBlockReceipts: async ([tag]) => {
        const record = await this.blockRecord(tag);
        return record === undefined ? null : record.block.transactions.map((_, i) => formatReceipt(record, i, e.common));
      },
      eth_getLogs: async ([f]) => this.getLogs(f),
      eth_newFilter: async ([f]) => {
        if (typeof f !== "object" || f === null) throw invalid("filter must be an object");
        const o = f as Record<string, unknown>;
        const from = o.fromBlock === undefined ? undefined : this.blockNumber(o.fromBlock);
        const to = o.toBlock === undefined || o.toBlock === "latest" ? undefined : this.blockNumber(o.toBlock);
        return this.addFilter({ kind: "logs", next: from ?? e.headNumber + 1n, logs: { ...logCriteria(o), fromBlock: from, toBlock: to }, touched: Date.now() });
      },
      eth_newBlockFilter: async () => this.addFilter({ kind: "block", next: e.headNumber + 1n, touched: Date.now() }),
      eth_newPendingTransactionFilter: async () => this.addFilter({ kind: "pending", next: e.headNumber + 1n, hashes: [], touched: Date.now() }),
      eth_createAccessList: async ([req, tag, overrides]) => {
        const found = await e.createAccessList(callRequest(req), await this.stateBlock(tag ?? "latest"), stateOverride(overrides));
        const out: Record<string, Json> = { accessList: found.accessList, gasUsed: bigIntToHex(found.gasUsed) };
        if (found.error !== undefined) out.error = found.error;
        return out;
      },
      eth_getFilterChanges: async ([id]) => this.filterChanges(id),
      eth_getFilterLogs: async ([id]) => {
        const filter = this.filter(id);
        if (filter.kind !== "logs") throw invalid("not a log filter");
        return this.runLogFilter(filter.logs!.fromBlock ?? 0n, filter.logs!.toBlock ?? e.headNumber, filter.logs!);
      },
      eth_uninstallFilter: async ([id]) => (typeof id === "string" ? this.filters.delete(id) : false),
      eth_subscribe: async ([kind, opts], sub) => {
        if (sub === undefined) throw new NodeError("RPC_METHOD_NOT_FOUND", "eth_subscribe needs a WebSocket connection");
        let spec: SubscriptionSpec;
        if (kind === "newHeads") spec = { kind: "newHeads" };
        else if (kind === "logs") spec = { kind: "logs", ...logCriteria((opts ?? {}) as Record<string, unknown>) };
        else throw invalid(`subscription ${String(kind)} is not supported (newHeads, logs)`);
        const id = bytesToHex(randomBytes(16));
        sub.subscriptions.set(id, spec);
        return id;
      },
      eth_unsubscribe: async ([id], sub) => (sub !== undefined && typeof id === "string" ? sub.subscriptions.delete(id) : false),
    };
  }

  /** Handles one parsed JSON body (single request or batch). Returns undefined for notifications only. */
  async handle(body: unknown, maxBatch: number, sub?: Subscriber): Promise<RpcResponse | RpcResponse[] | undefined> {
    if (Array.isArray(body)) {
      if (body.length === 0) return errorResponse(null, { code: RPC_ERROR.invalidRequest, message: "invalid request: empty batch" });
      if (body.length > maxBatch) {
        return errorResponse(null, { code: RPC_ERROR.invalidRequest, message: `invalid request: batch of ${body.length} exceeds the limit of ${maxBatch}` });
      }
      const responses = await Promise.all(body.map((r) => this.handleOne(r, sub)));
      const out = responses.filter((r): r is RpcResponse => r !== undefined);
      return out.length === 0 ? undefined : out;
    }
    return this.handleOne(body, sub);
  }

  private async handleOne(req: unknown, sub: Subscriber | undefined): Promise<RpcResponse | undefined> {
    if (typeof req !== "object" || req === null || Array.isArray(req)) {
      return errorResponse(null, { code: RPC_ERROR.invalidRequest, message: "invalid request: not a JSON-RPC object" });
    }
    const r = req as Record<string, unknown>;
    // JSON-RPC 2.0: an id is a string, a number or null (answered with null); no id is a notification.
    const validId = r.id === undefined || r.id === null || typeof r.id === "string" || typeof r.id === "number";
    const id = validId ? (r.id as string | number | null | undefined) : null;
    if (r.jsonrpc !== "2.0" || typeof r.method !== "string" || (r.params !== undefined && !Array.isArray(r.params)) || !validId) {
      return errorResponse(id ?? null, { code: RPC_ERROR.invalidRequest, message: "invalid request: needs jsonrpc \"2.0\", a method name, an id and params as an array" });
    }
    const method = this.methods[r.method];
    if (this.log.isLevelEnabled("trace")) this.log.trace({ event: "rpc.request", method: r.method, params: r.params }, "rpc request");
    let response: RpcResponse;
    if (method === undefined || !Object.hasOwn(this.methods, r.method)) {
      response = errorResponse(id ?? null, { code: RPC_ERROR.methodNotFound, message: `the method ${r.method} does not exist/is not available` });
    } else {
      try {
        const result = await method((r.params as unknown[] | undefined) ?? [], sub);
        response = { jsonrpc: "2.0", id: id ?? null, result };
      } catch (err) {
        response = errorResponse(id ?? null, this.toRpcError(err, r.method));
        if (this.log.isLevelEnabled("trace")) this.log.trace({ event: "rpc.error", method: r.method, error: response.error }, "rpc error");
      }
    }
    return id === undefined ? undefined : response;
  }

  /** The PERM methods govern the local allowlist only while no AccountRules contract decides. */
  private localAllowlistOrRefuse(): string[] {
    if (this.engine.accountRulesAddress !== undefined) {
      throw new NodeError("CHAIN_PERM_RULES_ACTIVE", "transactions are permitted by the AccountRules contract here, not the local allowlist: change AccountRules instead");
    }
    return this.engine.localAllowlist();
  }

  toRpcError(err: unknown, method: string): RpcError {
    if (err instanceof NodeError) {
      const code = CODE_TO_RPC[err.code] ?? RPC_ERROR.server;
      if (err.code === "CHAIN_EXECUTION_REVERTED") return { code, message: err.message, data: String(err.details?.data ?? "0x") };
      return { code, message: err.message, data: { code: err.code } };
    }
    this.log.error({ event: "rpc.internal_error", method, err }, "internal error");
    return { code: RPC_ERROR.internal, message: "internal error" };
  }

  // ---------------------------------------------------------------- helpers

  /** Block number for a tag of a block read; undefined for blocks that do not exist. */
  private blockNumber(tag: unknown): bigint | undefined {
    const head = this.engine.headNumber;
    if (tag === undefined || tag === "latest" || tag === "pending" || tag === "safe" || tag === "finalized") return head;
    if (tag === "earliest") return 0n;
    const n = quantity(tag, "block");
    return n > head ? undefined : n;
  }

  /** Block number for a state read: a tag, a number or an EIP-1898 object. */
  private async stateBlock(tag: unknown): Promise<bigint> {
    const hash = blockHashOf(tag);
    if (hash !== undefined) {
      const record = await this.engine.blockByHash(hash);
      if (record === undefined) throw new NodeError("CHAIN_BLOCK_NOT_FOUND", "header for hash not found");
      return record.block.header.number;
    }
    const n = this.blockNumber(blockNumberOf(tag));
    if (n === undefined) throw new NodeError("CHAIN_BLOCK_NOT_FOUND", "header not found");
    return n;
  }

  /** The block a tag, a number, a hash or an EIP-1898 object names; undefined when none. */
  private async blockRecord(tag: unknown): Promise<BlockRecord | undefined> {
    const hash = blockHashOf(tag);
    if (hash !== undefined) return this.engine.blockByHash(hash);
    const n = this.blockNumber(blockNumberOf(tag));
    return n === undefined ? undefined : this.engine.blockByNumber(n);
  }

  private async feeHistory([count, newest, percentiles]: unknown[]): Promise<Json> {
    if (typeof count === "number" && !(Number.isSafeInteger(count) && count >= 0)) throw invalid("blockCount must be a non-negative integer");
    const blockCount = typeof count === "number" ? BigInt(count) : quantity(count, "blockCount");
    const last = this.blockNumber(newest);
    if (last === undefined) throw new NodeError("CHAIN_BLOCK_NOT_FOUND", "header not found");
    const n = blockCount > 1024n ? 1024n : blockCount;
    const first = last - n + 1n < 0n ? 0n : last - n + 1n;
    const ratios: number[] = [];
    const baseFees: string[] = [];
    const rewards: string[][] = [];
    const wanted = Array.isArray(percentiles) ? percentiles.length : 0;
    for (let b = first; b <= last && n > 0n; b++) {
      const record = (await this.engine.blockByNumber(b))!;
      const h = record.block.header;
      baseFees.push(bigIntToHex(h.baseFeePerGas ?? 0n));
      ratios.push(Number(h.gasUsed) / Number(h.gasLimit));
      rewards.push(new Array<string>(wanted).fill("0x0"));
    }
    baseFees.push("0x0");
    const out: Record<string, Json> = {
      oldestBlock: bigIntToHex(first),
      baseFeePerGas: baseFees,
      gasUsedRatio: ratios,
      baseFeePerBlobGas: baseFees.map(() => "0x1"),
      blobGasUsedRatio: ratios.map(() => 0),
    };
    if (Array.isArray(percentiles)) out.reward = rewards;
    return out;
  }

  private async getLogs(f: unknown): Promise<Json> {
    if (typeof f !== "object" || f === null) throw invalid("filter must be an object");
    const o = f as Record<string, unknown>;
    const criteria = logCriteria(o);
    if (o.blockHash !== undefined) {
      const record = await this.engine.blockByHash(hash32(o.blockHash, "blockHash"));
      if (record === undefined) throw new NodeError("CHAIN_BLOCK_NOT_FOUND", "unknown block");
      const n = record.block.header.number;
      return this.runLogFilter(n, n, criteria);
    }
    if (o.blockHash !== undefined && o.blockHash !== null && (o.fromBlock != null || o.toBlock != null)) {
      throw invalid("cannot specify both blockHash and fromBlock/toBlock, choose one or the other");
    }
    const from = o.fromBlock == null ? this.engine.headNumber : this.blockNumber(o.fromBlock);
    const to = o.toBlock == null ? this.engine.headNumber : (this.blockNumber(o.toBlock) ?? this.engine.headNumber);
    // geth's answer, not an empty list that reads as "no events": a range given as two numbers
    // that runs backwards (a tag such as "latest" never makes it an error, as in geth).
    const isNumber = (v: unknown): v is string => typeof v === "string" && HEX_QUANTITY.test(v);
    if (isNumber(o.fromBlock) && isNumber(o.toBlock) && BigInt(o.fromBlock) > BigInt(o.toBlock)) throw invalid("invalid block range");
    if (from === undefined) return [];
    return this.runLogFilter(from, to, criteria);
  }

  private async runLogFilter(from: bigint, to: bigint, criteria: { addresses: Uint8Array[]; topics: (Uint8Array[] | null)[] }): Promise<Json> {
    const found = await this.engine.getLogs({ fromBlock: from, toBlock: to, addresses: criteria.addresses, topics: criteria.topics });
    return found.map((l) => formatLog(l.log, l.record, l.txIndex, l.logIndex));
  }

  private addFilter(filter: PollFilter): string {
    const now = Date.now();
    for (const [id, f] of this.filters) if (now - f.touched > 5 * 60_000) this.filters.delete(id);
    if (this.filters.size >= 1_000) throw new NodeError("RPC_LIMIT", "too many filters installed");
    // A filter id is a quantity in the specification: no leading zeros.
    const id = bigIntToHex(BigInt(bytesToHex(randomBytes(16))));
    this.filters.set(id, filter);
    return id;
  }

  private filter(id: unknown): PollFilter {
    const filter = typeof id === "string" ? this.filters.get(id) : undefined;
    if (filter === undefined) throw new NodeError("RPC_FILTER_NOT_FOUND", "filter not found");
    filter.touched = Date.now();
    return filter;
  }

  private async filterChanges(id: unknown): Promise<Json> {
    const filter = this.filter(id);
    if (filter.kind === "pending") return filter.hashes!.splice(0);
    const head = this.engine.headNumber;
    const from = filter.next;
    if (from > head) return [];
    filter.next = head + 1n;
    if (filter.kind === "block") {
      const out: string[] = [];
      for (let n = from; n <= head; n++) out.push(bytesToHex((await this.engine.blockByNumber(n))!.hash));
      return out;
    }
    const to = filter.logs!.toBlock !== undefined && filter.logs!.toBlock < head ? filter.logs!.toBlock : head;
    return this.runLogFilter(from, to, filter.logs!);
  }

  /** Messages for subscribers when a block is sealed. */
  notifications(record: BlockRecord, spec: SubscriptionSpec): Json[] {
    if (spec.kind === "newHeads") return [formatHeader(record)];
    const out: Json[] = [];
    const addresses = new Set(spec.addresses.map((a) => bytesToHex(a)));
    let logIndex = 0;
    record.receipts.forEach((receipt, txIndex) => {
      for (const log of receipt.logs) {
        const index = logIndex++;
        if (addresses.size > 0 && !addresses.has(bytesToHex(log[0]))) continue;
        const topics = log[1];
        const ok = spec.topics.every((wanted, i) => wanted === null || wanted.length === 0 || (topics[i] !== undefined && wanted.some((w) => bytesToHex(w) === bytesToHex(topics[i]!))));
        if (ok) out.push(formatLog(log as [Uint8Array, Uint8Array[], Uint8Array], record, txIndex, index));
      }
    });
    return out;
  }
}

function errorResponse(id: string | number | null, error: RpcError): RpcResponse {
  return { jsonrpc: "2.0", id, error };
}

function txAt(record: BlockRecord | undefined, index: number): Json {
  if (record === undefined || index >= record.block.transactions.length) return null;
  return formatTx(record.block.transactions[index]!, record.senders[index]!, record, index);
}

function quantityOrData(v: unknown): bigint {
  if (typeof v === "string" && HEX_QUANTITY.test(v)) return BigInt(v);
  if (typeof v === "string" && /^0x[0-9a-fA-F]{1,64}$/.test(v)) return BigInt(v);
  throw invalid("storage slot must be hex");
}

function padSlot(slot: bigint): `0x${string}` {
  return `0x${slot.toString(16).padStart(64, "0")}`;
}

function callRequest(v: unknown): CallRequest {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalid("call must be a transaction object");
  const o = v as Record<string, unknown>;
  const input = o.input ?? o.data;
  const req: CallRequest = {
    from: optional(o.from, address, "from"),
    to: optional(o.to, address, "to"),
    data: optional(input, data, "input"),
    value: optional(o.value, quantity, "value"),
    gas: optional(o.gas, quantity, "gas"),
    gasPrice: optional(o.gasPrice, quantity, "gasPrice"),
    maxFeePerGas: optional(o.maxFeePerGas, quantity, "maxFeePerGas"),
    maxPriorityFeePerGas: optional(o.maxPriorityFeePerGas, quantity, "maxPriorityFeePerGas"),
    nonce: optional(o.nonce, quantity, "nonce"),
  };
  // The checks a transaction's own constructor would make, as parameter errors with the reason
  // (geth's wording), so a caller's mistake never surfaces as an internal error.
  for (const [name, max] of [["value", MAX_U256], ["gasPrice", MAX_U256], ["maxFeePerGas", MAX_U256], ["maxPriorityFeePerGas", MAX_U256], ["gas", MAX_U64], ["nonce", MAX_U64]] as const) {
    const v = req[name];
    if (v !== undefined && v > max) throw invalid(`${name} exceeds ${max === MAX_U64 ? 64 : 256} bits`);
  }
  if (req.gasPrice !== undefined && (req.maxFeePerGas !== undefined || req.maxPriorityFeePerGas !== undefined)) {
    throw invalid("both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified");
  }
  if (req.maxFeePerGas !== undefined && req.maxPriorityFeePerGas !== undefined && req.maxPriorityFeePerGas > req.maxFeePerGas) {
    throw invalid(`maxFeePerGas (${req.maxFeePerGas}) < maxPriorityFeePerGas (${req.maxPriorityFeePerGas})`);
  }
  if (o.accessList !== undefined && o.accessList !== null) {
    if (!Array.isArray(o.accessList)) throw invalid("accessList must be an array");
    req.accessList = o.accessList.map((entry: unknown) => {
      const e = entry as Record<string, unknown>;
      const keys = Array.isArray(e?.storageKeys) ? e.storageKeys : [];
      return { address: address(e?.address, "accessList.address"), storageKeys: keys.map((k) => bytesToHex(hash32(k, "storageKey"))) };
    });
  }
  return req;
}

const MAX_U256 = 2n ** 256n - 1n;
/** Hashes a pending-transaction filter keeps between polls; older ones are dropped unpolled. */
const MAX_PENDING_HASHES = 10_000;

/**
 * The hash in a block parameter: a 32-byte hex string (as ethers sends `getBalance(a, blockHash)`;
 * geth reads 66 characters as a hash) or an EIP-1898 `{ blockHash }` object.
 */
function blockHashOf(tag: unknown): Uint8Array | undefined {
  if (typeof tag === "string" && tag.length === 66) return hash32(tag, "block hash");
  if (typeof tag !== "object" || tag === null || Array.isArray(tag)) return undefined;
  const o = tag as Record<string, unknown>;
  if (o.blockHash != null && o.blockNumber != null) throw invalid("cannot specify both blockHash and blockNumber, choose one or the other");
  if (o.requireCanonical != null) bool(o.requireCanonical, "requireCanonical");
  return o.blockHash != null ? hash32(o.blockHash, "blockHash") : undefined;
}

/** The tag or number of a block parameter that names no hash. */
function blockNumberOf(tag: unknown): unknown {
  if (typeof tag !== "object" || tag === null) return tag;
  if (Array.isArray(tag)) throw invalid("block must be a tag, a number, a hash or an EIP-1898 object");
  const o = tag as Record<string, unknown>;
  if (o.blockNumber == null) throw invalid("an EIP-1898 block object needs blockHash or blockNumber");
  return o.blockNumber;
}
const MAX_U64 = 2n ** 64n - 1n;
const OVERRIDE_FIELDS = new Set(["balance", "nonce", "code", "state", "stateDiff"]);

/**
 * eth_call's and eth_estimateGas's third parameter (geth's state override set). Every field the
 * node cannot apply is refused with -32602, never ignored: an ignored override is a wrong answer.
 */
function stateOverride(v: unknown): StateOverride | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw invalid("state override must be an object keyed by address");
  const out: StateOverride = new Map();
  for (const [a, spec] of Object.entries(v as Record<string, unknown>)) {
    const addr = address(a, "state override address");
    if (typeof spec !== "object" || spec === null || Array.isArray(spec)) throw invalid(`state override of ${addr} must be an object`);
    const o = spec as Record<string, unknown>;
    for (const field of Object.keys(o)) {
      if (!OVERRIDE_FIELDS.has(field)) throw invalid(`state override field ${field} is not supported (balance, nonce, code, state, stateDiff)`);
    }
    if (o.state != null && o.stateDiff != null) throw invalid(`state override of ${addr} has both state and stateDiff`);
    const entry: AccountOverride = {
      balance: optional(o.balance, quantity, "state override balance"),
      nonce: optional(o.nonce, quantity, "state override nonce"),
      code: optional(o.code, data, "state override code"),
      state: optional(o.state, slots, "state override state"),
      stateDiff: optional(o.stateDiff, slots, "state override stateDiff"),
    };
    if (entry.balance !== undefined && entry.balance > MAX_U256) throw invalid("state override balance exceeds 256 bits");
    if (entry.nonce !== undefined && entry.nonce > MAX_U64) throw invalid("state override nonce exceeds 64 bits");
    out.set(addr, entry);
  }
  return out;
}

function slots(v: unknown, name: string): [Uint8Array, Uint8Array][] {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalid(`${name} must be an object of 32-byte slots to 32-byte values`);
  return Object.entries(v as Record<string, unknown>).map(([k, value]) => [hash32(k, `${name} slot`), hash32(value, `${name} value`)]);
}
