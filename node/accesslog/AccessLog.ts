// The gateway's access log: append-only, durable, queryable, with Merkle batches for anchoring.
//
// Durability: an append resolves only after its record is in a LevelDB batch written with
// `sync: true`. Appends that arrive while a write is in flight are grouped into the next write
// (group commit), so one fsync acknowledges many records.
//
// Storage (one LevelDB, sublevels):
//   r/<seq:16 hex>             480 bytes: the abi-encoded record (448) + its recordHash (32)
//   c/<citizen>:<seq>          index by citizen
//   a/<agency>:<seq>           index by agency
//   g/<grantId>                allowed accesses under a grant (decimal), for use limits
//   b/<batch index:16 hex>     batch header (JSON): range, root, previous root, anchoring status
//   m/gateway                  the gateway account this log belongs to
//   <name>/...                 a companion store's entries (see `attach`), e.g. n/ for request nonces
import { EventEmitter } from "node:events";
import { mkdir } from "node:fs/promises";
import { Level } from "level";
import { storeOptions } from "../storage/levelOptions.js";
import { getAddress, hexlify, ZeroHash } from "ethers";
import type { Logger } from "pino";
import { NodeError } from "../NodeError.js";
import { reopenWhenRoom, StoreHealth, type PartStatus } from "../storage/StoreHealth.js";
import { initKeccak } from "./internal/keccak.js";
import { rootOfLeaves, treeOfLeaves } from "./merkle.js";
import {
  decodeRecord,
  encodeRecord,
  leafOf,
  recordHashOf,
  RECORD_BYTES,
  validateRecordInput,
  type AccessRecord,
  type AccessRecordInput,
} from "./record.js";

export type AccessReceipt = { seq: number; recordHash: string; gateway: string; time: number };

export type BatchStatus = "pending" | "anchored";

export type AccessBatch = {
  index: number;
  firstSeq: number;
  lastSeq: number;
  count: number;
  root: string;
  previousRoot: string;
  status: BatchStatus;
  createdAt: number;
  anchoredAt?: number;
  txHash?: string;
  blockNumber?: number;
};

export type AccessQuery = {
  citizen?: string;
  agency?: string;
  purpose?: string;
  fromTime?: number;
  toTime?: number;
  afterSeq?: number;
  limit?: number;
};

export type InclusionProof = {
  record: AccessRecord;
  leaf: string;
  batch: AccessBatch;
  proof: string[];
};

const MAX_QUERY = 1000;
const seqKey = (seq: number) => seq.toString(16).padStart(16, "0");
const enc = { keyEncoding: "utf8", valueEncoding: "view" } as const;
const utf8 = new TextEncoder();

type BatchOp = { type: "put"; sublevel: unknown; key: string; value: string | Uint8Array };
/** A put on the root database with the sublevel's prefix already in the key: skips per-op sublevel encoding. */
type RootPut = { type: "put"; key: string; value: Uint8Array };
const EMPTY = new Uint8Array(0);
type Pending = { input: AccessRecordInput; resolve(r: AccessReceipt): void; reject(e: unknown): void };

/** What a companion store hands to a group commit: one entry, and how to tell it the outcome. */
export type CompanionWrite = { key: string; value: string; settle(error?: unknown): void };

/** A store that writes through the log's group commits (see {@link AccessLog.attach}). */
export type Companion = {
  /** Takes everything waiting to be written, as one entry; undefined when nothing waits. */
  drain(): CompanionWrite | undefined;
  pending(): boolean;
};

export type CompanionHandle = {
  /** The companion's own sublevel, for reading back and pruning. */
  level: { values(): AsyncIterable<string>; clear(range: { lt: string }): Promise<void> };
  /** Makes sure a group commit runs soon, also when no record is queued. */
  flushSoon(): void;
  /** Stops draining the companion (its sublevel can be attached again). */
  detach(): void;
};

const RESERVED_SUBLEVELS = new Set(["r", "c", "a", "g", "b", "m"]);

export class AccessLog {
  readonly gateway: string;
  private readonly db: Level<string, Uint8Array>;
  private readonly records;
  private readonly byCitizen;
  private readonly byAgency;
  private readonly grants;
  private readonly batches;
  private readonly meta;
  private readonly events = new EventEmitter();
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private last = 0;
  private grantCounts = new Map<string, number>();
  private batchIndex: AccessBatch[] = [];
  private treeCache = new Map<number, ReturnType<typeof treeOfLeaves>>();
  private closed = false;
  private readonly prefix: { records: string; byCitizen: string; byAgency: string; grants: string };
  private readonly companions: Array<{ prefix: string; companion: Companion }> = [];
  private readonly dir: string;
  private readonly logger: Logger | undefined;
  /** Every sublevel: closing the database closes them, and reopening it does not reopen them. */
  private readonly levels: Array<{ open(): Promise<void> }> = [];
  /** After a failed write the log refuses until it has reopened its database (see StoreHealth). */
  private readonly health: StoreHealth;

  private constructor(db: Level<string, Uint8Array>, gateway: string, dir: string, logger: Logger | undefined) {
    this.db = db;
    this.gateway = gateway;
    this.dir = dir;
    this.logger = logger;
    this.health = new StoreHealth({
      part: "accessLog",
      code: "ACCESSLOG_UNAVAILABLE",
      message: "The access log cannot be written.",
      recover: () => this.recover(),
      logger,
    });
    this.records = db.sublevel<string, Uint8Array>("r", enc);
    this.byCitizen = db.sublevel<string, string>("c", { keyEncoding: "utf8", valueEncoding: "utf8" });
    this.byAgency = db.sublevel<string, string>("a", { keyEncoding: "utf8", valueEncoding: "utf8" });
    this.grants = db.sublevel<string, string>("g", { keyEncoding: "utf8", valueEncoding: "utf8" });
    this.batches = db.sublevel<string, string>("b", { keyEncoding: "utf8", valueEncoding: "utf8" });
    this.meta = db.sublevel<string, string>("m", { keyEncoding: "utf8", valueEncoding: "utf8" });
    this.levels.push(this.records, this.byCitizen, this.byAgency, this.grants, this.batches, this.meta);
    this.events.setMaxListeners(0);
    this.prefix = { records: this.records.prefix, byCitizen: this.byCitizen.prefix, byAgency: this.byAgency.prefix, grants: this.grants.prefix };
  }

  /** Opens (or creates) the log in `dir` for the gateway account `gateway`. */
  static async open(options: { dir: string; gateway: string; logger?: Logger }): Promise<AccessLog> {
    await initKeccak();
    let gateway: string;
    try {
      gateway = getAddress(options.gateway);
    } catch (cause) {
      throw new NodeError("ACCESSLOG_INVALID_CONFIG", "gateway must be a 0x address", { cause });
    }
    await mkdir(options.dir, { recursive: true });
    // The log only appends: a 16 MiB memtable (LevelDB's default is 4) means a quarter of the
    // table flushes and level-0 compactions, measured about 15% less CPU per record over 150,000
    // appends, for at most two such buffers (32 MiB) of memory.
    const db = new Level<string, Uint8Array>(options.dir, storeOptions({ ...enc, writeBufferSize: 16 * 2 ** 20 }));
    try {
      await db.open();
    } catch (cause) {
      throw new NodeError("ACCESSLOG_UNAVAILABLE", `cannot open the access log in ${options.dir}`, { cause });
    }
    const log = new AccessLog(db, gateway, options.dir, options.logger);
    try {
      await log.load();
    } catch (error) {
      await log.health.close();
      await db.close();
      throw error;
    }
    return log;
  }

  private async load(): Promise<void> {
    const owner = await this.meta.get("gateway");
    if (owner === undefined) await this.write([{ type: "put", sublevel: this.meta, key: "gateway", value: this.gateway }]);
    else if (owner !== this.gateway) {
      throw new NodeError("ACCESSLOG_GATEWAY_MISMATCH", `this access log belongs to gateway ${owner}`, {
        details: { expected: owner, got: this.gateway },
      });
    }
    await this.loadState();
  }

  /** What memory keeps of the log, read back from disk. */
  private async loadState(): Promise<void> {
    let last = 0;
    for await (const key of this.records.keys({ reverse: true, limit: 1 })) last = parseInt(key, 16);
    const batches: AccessBatch[] = [];
    for await (const value of this.batches.values()) batches.push(JSON.parse(value) as AccessBatch);
    this.last = last;
    this.batchIndex = batches;
    this.grantCounts.clear();
    this.treeCache.clear();
  }

  /**
   * Comes back after a failed write: reopens the database once the disk has room (which drops a
   * torn batch at the end of its write-ahead log), reloads what memory holds from disk (a batch
   * that failed is not there, or is there whole, as after a crash), and proves a synced write.
   */
  private async recover(): Promise<void> {
    if (this.closed) throw new NodeError("ACCESSLOG_CLOSED", "the access log is closed");
    while (this.flushing) await this.flushing;
    await reopenWhenRoom(this.db, this.dir);
    for (const level of this.levels) await level.open();
    await this.loadState();
    const probe = { sublevel: this.meta, key: "probe" };
    await this.db.batch([{ type: "put", ...probe, value: String(Date.now()) }, { type: "del", ...probe }] as never, { sync: true });
  }

  /** The log's part of /readyz. */
  status(): PartStatus {
    return this.health.status();
  }

  /** Reads fail with the log's code while its database is being reopened. */
  private readFailed(cause: unknown): NodeError {
    return cause instanceof NodeError ? cause : new NodeError("ACCESSLOG_UNAVAILABLE", "The access log cannot be read.", { cause });
  }

  /** The highest sequence number written (0 when empty). */
  lastSeq(): number {
    return this.last;
  }

  /** Appends a record; resolves with its receipt once it is synced to disk. */
  append(input: AccessRecordInput): Promise<AccessReceipt> {
    if (this.closed) return Promise.reject(new NodeError("ACCESSLOG_CLOSED", "the access log is closed"));
    try {
      validateRecordInput(input);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.scheduleFlush();
    });
  }

  /**
   * Starts a group commit after the current turn of the event loop, so that everything a request
   * queues in one turn (its nonce, then its record) shares one write and one fsync.
   */
  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = undefined;
        if (this.queue.length > 0 || this.companions.some((c) => c.companion.pending())) this.scheduleFlush();
      });
  }

  /**
   * Lets another store write into this log's group commits under its own sublevel `name`, so what
   * it must keep durable before an answer (the gateway's request nonces) shares the records' fsync
   * instead of paying for its own. At each commit the log drains the companion and settles its
   * write with the batch's outcome.
   */
  attach(name: string, companion: Companion): CompanionHandle {
    if (!/^[a-z]$/.test(name) || RESERVED_SUBLEVELS.has(name) || this.companions.some((c) => c.prefix === `!${name}!`))
      throw new NodeError("ACCESSLOG_INVALID_CONFIG", `companion sublevel ${name} is taken or not a single lower-case letter`);
    const level = this.db.sublevel<string, string>(name, { keyEncoding: "utf8", valueEncoding: "utf8" });
    this.levels.push(level);
    const entry = { prefix: level.prefix, companion };
    this.companions.push(entry);
    return {
      detach: () => {
        const i = this.companions.indexOf(entry);
        if (i >= 0) this.companions.splice(i, 1);
      },
      // Pruning writes to the same write-ahead log as the records: it must not write on a handle
      // that saw a write fail, and its own failure makes the log unavailable like any other.
      level: {
        values: () => level.values(),
        clear: async (range) => {
          this.health.assertOk();
          try {
            await level.clear(range);
          } catch (cause) {
            throw this.health.fail(cause);
          }
        },
      },
      flushSoon: () => {
        if (this.closed) {
          companion.drain()?.settle(new NodeError("ACCESSLOG_CLOSED", "the access log is closed"));
          return;
        }
        this.scheduleFlush();
      },
    };
  }

  private async flush(): Promise<void> {
    const items = this.queue;
    this.queue = [];
    const extra: CompanionWrite[] = [];
    const ops: RootPut[] = [];
    for (const { prefix, companion } of this.companions) {
      const w = companion.drain();
      if (w) {
        extra.push(w);
        ops.push({ type: "put", key: prefix + w.key, value: utf8.encode(w.value) });
      }
    }
    const written: AccessRecord[] = [];
    const counts = new Map<string, number>();
    const { prefix } = this;
    let seq = this.last;
    const refuse = (error: unknown) => {
      for (const item of items) item.reject(error);
      for (const w of extra) w.settle(error);
    };
    if (!this.health.ok) return refuse(this.health.error());
    try {
      for (const { input } of items) {
        seq += 1;
        const base = { ...input, seq, gateway: this.gateway, agency: this.checksummed(input.agency) };
        const value = Buffer.allocUnsafe(RECORD_BYTES + 32);
        value.set(encodeRecord(base), 0);
        value.set(recordHashOf(value.subarray(0, RECORD_BYTES)), RECORD_BYTES);
        const citizen = base.citizen.toLowerCase();
        const record: AccessRecord = { ...base, citizen, recordHash: `0x${value.toString("hex", RECORD_BYTES)}` };
        written.push(record);
        const key = seqKey(seq);
        ops.push({ type: "put", key: prefix.records + key, value });
        ops.push({ type: "put", key: `${prefix.byCitizen}${citizen}:${key}`, value: EMPTY });
        ops.push({ type: "put", key: `${prefix.byAgency}${input.agency.toLowerCase()}:${key}`, value: EMPTY });
        if (record.decision === "allowed" && record.grantId !== ZeroHash) {
          const grant = record.grantId.toLowerCase();
          const current = counts.get(grant) ?? this.grantCounts.get(grant) ?? (await this.allowedCount(grant));
          counts.set(grant, current + 1);
        }
      }
      for (const [grant, count] of counts) {
        ops.push({ type: "put", key: prefix.grants + grant, value: utf8.encode(String(count)) });
      }
    } catch (cause) {
      return refuse(this.readFailed(cause));
    }
    try {
      await this.db.batch(ops as never, { sync: true });
    } catch (cause) {
      this.health.fail(cause);
      return refuse(new NodeError("ACCESSLOG_WRITE_FAILED", "the access log could not be written", { cause }));
    }
    for (const w of extra) w.settle();
    this.last = seq;
    for (const [grant, count] of counts) this.grantCounts.set(grant, count);
    for (let i = 0; i < items.length; i++) {
      const record = written[i];
      items[i].resolve({ seq: record.seq, recordHash: record.recordHash, gateway: this.gateway, time: record.time });
      // A listener's failure is its own: it must neither leave the rest of the batch unanswered nor
      // reject the group commit, which nobody awaits.
      try {
        this.events.emit("append", record);
      } catch (err) {
        this.logger?.error({ event: "append_listener_failed", seq: record.seq, err }, "an access-log listener failed");
      }
    }
  }

  /**
   * EIP-55 checksums cost a pure-JS keccak each; a gateway sees few distinct agencies, so they are
   * computed once per agency (bounded, so a flood of distinct addresses cannot grow it).
   */
  private checksums = new Map<string, string>();
  private checksummed(address: string): string {
    const key = address.toLowerCase();
    let out = this.checksums.get(key);
    if (out === undefined) {
      out = getAddress(key);
      if (this.checksums.size >= 10_000) this.checksums.clear();
      this.checksums.set(key, out);
    }
    return out;
  }

  private async allowedCount(grant: string): Promise<number> {
    const cached = this.grantCounts.get(grant);
    if (cached !== undefined) return cached;
    let stored: string | undefined;
    try {
      stored = await this.grants.get(grant);
    } catch (cause) {
      throw this.readFailed(cause);
    }
    const count = stored === undefined ? 0 : Number(stored);
    this.grantCounts.set(grant, count);
    return count;
  }

  /** Allowed accesses recorded under `grantId` (to enforce a consent's use limit). */
  async countAllowed(grantId: string): Promise<number> {
    return this.allowedCount(grantId.toLowerCase());
  }

  async get(seq: number): Promise<AccessRecord | undefined> {
    if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
    const value = await this.records.get(seqKey(seq)).catch((cause: unknown) => {
      throw this.readFailed(cause);
    });
    return value === undefined ? undefined : decodeStored(value);
  }

  /** Records matching the filter, in sequence order, at most `limit` (default 100, max 1000). */
  async query(filter: AccessQuery = {}): Promise<AccessRecord[]> {
    try {
      return await this.queryRecords(filter);
    } catch (cause) {
      throw this.readFailed(cause);
    }
  }

  private async queryRecords(filter: AccessQuery): Promise<AccessRecord[]> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), MAX_QUERY);
    const after = Math.max(filter.afterSeq ?? 0, 0);
    const matches = (r: AccessRecord) =>
      (filter.citizen === undefined || r.citizen === filter.citizen.toLowerCase()) &&
      (filter.agency === undefined || r.agency.toLowerCase() === filter.agency.toLowerCase()) &&
      (filter.purpose === undefined || r.purpose.toLowerCase() === filter.purpose.toLowerCase()) &&
      (filter.fromTime === undefined || r.time >= filter.fromTime) &&
      (filter.toTime === undefined || r.time <= filter.toTime);
    const out: AccessRecord[] = [];
    const index = filter.citizen !== undefined ? this.byCitizen : filter.agency !== undefined ? this.byAgency : undefined;
    if (index) {
      const prefix = (filter.citizen ?? filter.agency ?? "").toLowerCase();
      const keys: string[] = [];
      for await (const key of index.keys({ gt: `${prefix}:${seqKey(after)}`, lt: `${prefix};` })) {
        keys.push(key.slice(prefix.length + 1));
        if (keys.length >= 256) {
          if (await this.collect(keys.splice(0), matches, out, limit)) return out;
        }
      }
      await this.collect(keys, matches, out, limit);
      return out;
    }
    for await (const value of this.records.values({ gt: seqKey(after) })) {
      const record = decodeStored(value);
      if (matches(record)) out.push(record);
      if (out.length >= limit) break;
    }
    return out;
  }

  private async collect(keys: string[], matches: (r: AccessRecord) => boolean, out: AccessRecord[], limit: number) {
    const values = await this.records.getMany(keys);
    for (const value of values) {
      if (value === undefined) continue;
      const record = decodeStored(value);
      if (matches(record)) out.push(record);
      if (out.length >= limit) return true;
    }
    return false;
  }

  /** Calls `listener` for every record appended from now on; returns the unsubscribe function. */
  onAppend(listener: (record: AccessRecord) => void): () => void {
    this.events.on("append", listener);
    return () => this.events.off("append", listener);
  }

  // ------------------------------------------------------------------ batches

  /** Every batch cut so far, in order. */
  listBatches(): readonly AccessBatch[] {
    return this.batchIndex;
  }

  /** The last record sequence number that belongs to a batch. */
  lastBatchedSeq(): number {
    return this.batchIndex.at(-1)?.lastSeq ?? 0;
  }

  /**
   * Cuts the next batch from the records not yet batched (at most `maxRecords`), computes its
   * root and links it to the previous batch's root, and stores it as pending. Batches are never
   * re-cut or re-numbered: the stored header is the promise the anchorer keeps.
   */
  async cutBatch(maxRecords: number): Promise<AccessBatch | undefined> {
    const firstSeq = this.lastBatchedSeq() + 1;
    const lastSeq = Math.min(this.last, firstSeq + maxRecords - 1);
    if (lastSeq < firstSeq) return undefined;
    const leaves = await this.leavesOf(firstSeq, lastSeq);
    const previous = this.batchIndex.at(-1);
    const batch: AccessBatch = {
      index: this.batchIndex.length,
      firstSeq,
      lastSeq,
      count: lastSeq - firstSeq + 1,
      root: hexlify(rootOfLeaves(leaves)),
      previousRoot: previous?.root ?? ZeroHash,
      status: "pending",
      createdAt: Date.now(),
    };
    await this.write([{ type: "put", sublevel: this.batches, key: seqKey(batch.index), value: JSON.stringify(batch) }]);
    this.batchIndex.push(batch);
    return batch;
  }

  /** Records that a batch's root is on chain. */
  async markAnchored(index: number, anchoring: { txHash: string; blockNumber: number }): Promise<AccessBatch> {
    const batch = this.batchIndex[index];
    if (!batch) throw new NodeError("ACCESSLOG_UNKNOWN_BATCH", `no batch ${index}`);
    const updated: AccessBatch = { ...batch, status: "anchored", anchoredAt: Date.now(), ...anchoring };
    await this.write([{ type: "put", sublevel: this.batches, key: seqKey(index), value: JSON.stringify(updated) }]);
    this.batchIndex[index] = updated;
    return updated;
  }

  /** The batch holding `seq`, if it has been cut. */
  batchOf(seq: number): AccessBatch | undefined {
    let lo = 0;
    let hi = this.batchIndex.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = this.batchIndex[mid];
      if (seq < b.firstSeq) hi = mid - 1;
      else if (seq > b.lastSeq) lo = mid + 1;
      else return b;
    }
    return undefined;
  }

  /** The record, its leaf and its inclusion proof in its batch; undefined until the batch is cut. */
  async proof(seq: number): Promise<InclusionProof | undefined> {
    try {
      return await this.proofOf(seq);
    } catch (cause) {
      throw this.readFailed(cause);
    }
  }

  private async proofOf(seq: number): Promise<InclusionProof | undefined> {
    const record = await this.get(seq);
    const batch = this.batchOf(seq);
    if (!record || !batch) return undefined;
    let tree = this.treeCache.get(batch.index);
    if (!tree) {
      tree = treeOfLeaves(await this.leavesOf(batch.firstSeq, batch.lastSeq));
      this.treeCache.set(batch.index, tree);
      if (this.treeCache.size > 32) this.treeCache.delete(this.treeCache.keys().next().value as number);
    }
    const position = seq - batch.firstSeq;
    return { record, leaf: tree.at(position) as string, batch, proof: tree.getProof(position) };
  }

  private async leavesOf(firstSeq: number, lastSeq: number): Promise<Uint8Array[]> {
    const leaves: Uint8Array[] = [];
    for await (const value of this.records.values({ gte: seqKey(firstSeq), lte: seqKey(lastSeq) })) {
      leaves.push(leafOf(value.subarray(RECORD_BYTES, RECORD_BYTES + 32)));
    }
    if (leaves.length !== lastSeq - firstSeq + 1) {
      throw new NodeError("ACCESSLOG_CORRUPT", `records ${firstSeq}..${lastSeq} are incomplete`);
    }
    return leaves;
  }

  /** Every write goes through the root database so that `sync: true` (fsync) applies to it. */
  private async write(ops: BatchOp[]): Promise<void> {
    this.health.assertOk();
    try {
      await this.db.batch(ops as never, { sync: true });
    } catch (cause) {
      throw this.health.fail(cause);
    }
  }

  /** Raw stored values in sequence order, for verification. */
  rawRecords(): AsyncIterable<[string, Uint8Array]> {
    return this.records.iterator();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.health.close();
    while (this.flushing) await this.flushing;
    for (const { companion } of this.companions) companion.drain()?.settle(new NodeError("ACCESSLOG_CLOSED", "the access log is closed"));
    await this.db.close();
  }
}

function decodeStored(value: Uint8Array): AccessRecord {
  return decodeRecord(value.subarray(0, RECORD_BYTES), hexlify(value.subarray(RECORD_BYTES, RECORD_BYTES + 32)));
}

/** Opens the access log of `gateway` in `dir`. */
export function openAccessLog(options: { dir: string; gateway: string; logger?: Logger }): Promise<AccessLog> {
  return AccessLog.open(options);
}
