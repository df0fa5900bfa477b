// `audit verify`: re-reads the whole access log, re-hashes every record, rebuilds every batch
// root and checks it, and every previous-root link, against the roots anchored on chain.
// Reports the first break: a missing, altered, reordered or unanchored record, a batch whose
// root differs from the chain, or a local batch table that disagrees with the chain.
import { hexlify, ZeroHash } from "ethers";
import type { AccessLog } from "./AccessLog.js";
import type { ChainBatch } from "./AnchorTarget.js";
import { initKeccak, keccak256 } from "./internal/keccak.js";
import { rootOfLeaves } from "./merkle.js";
import { RECORD_BYTES } from "./record.js";

export type AuditBreakKind =
  | "missing" // a sequence number has no record
  | "reordered" // the record stored at a position carries another sequence number
  | "altered" // a record no longer matches its hash, or a batch no longer matches its anchored root
  | "unanchored" // records older than the grace period are in no anchored batch
  | "root-mismatch" // the local batch table disagrees with the root anchored on chain
  | "chain-broken"; // the anchored batches themselves do not link up

export type AuditBreak = { kind: AuditBreakKind; seq?: number; batch?: number; detail: string };

export type AuditReport = {
  ok: boolean;
  gateway: string;
  recordsChecked: number;
  batchesChecked: number;
  lastSeq: number;
  anchoredThroughSeq: number;
  /** Records not yet anchored but younger than the grace period (normal on a running gateway). */
  pendingRecords: number;
  firstBreak?: AuditBreak;
  elapsedMs: number;
  recordsPerSecond: number;
};

/** What the audit reads of a log: the log itself, or a snapshot of a running node's log. */
export type AuditableLog = Pick<AccessLog, "gateway" | "listBatches" | "rawRecords">;

export type AuditOptions = {
  /** Records younger than this may be unanchored without it being a break (default 30 s). */
  graceMs?: number;
  /** Called every `progressEvery` records. */
  onProgress?: (checked: number) => void;
  progressEvery?: number;
  now?: number;
};

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function seqOf(value: Uint8Array): number {
  let v = 0;
  for (let i = 24; i < 32; i++) v = v * 256 + value[i];
  return v;
}

function timeOf(value: Uint8Array): number {
  let v = 0;
  for (let i = 56; i < 64; i++) v = v * 256 + value[i];
  return v;
}

/**
 * Verifies `log` against `anchored`, the gateway's batches as read from the chain (in order).
 * Reading the chain is the caller's job (see AnchorTarget.anchoredBatches), so the same check runs
 * against any EVM node.
 */
export async function verifyAccessLog(
  log: AuditableLog,
  anchored: readonly ChainBatch[],
  options: AuditOptions = {},
): Promise<AuditReport> {
  // A snapshot of a running node's log reaches here without the log having been opened.
  await initKeccak();
  const started = performance.now();
  const graceMs = options.graceMs ?? 30_000;
  const now = options.now ?? Date.now();
  const progressEvery = options.progressEvery ?? 100_000;
  let recordsChecked = 0;
  let batchesChecked = 0;
  let lastSeq = 0;
  let pendingRecords = 0;

  const finish = (firstBreak?: AuditBreak): AuditReport => {
    const elapsedMs = performance.now() - started;
    return {
      ok: firstBreak === undefined,
      gateway: log.gateway,
      recordsChecked,
      batchesChecked,
      lastSeq,
      anchoredThroughSeq: anchored.at(-1)?.lastSeq ?? 0,
      pendingRecords,
      firstBreak,
      elapsedMs: Math.round(elapsedMs),
      recordsPerSecond: elapsedMs > 0 ? Math.round((recordsChecked / elapsedMs) * 1000) : 0,
    };
  };

  // 1. The anchored batches must form one unbroken chain.
  for (let i = 0; i < anchored.length; i++) {
    const b = anchored[i];
    const previous = anchored[i - 1];
    if (b.index !== i || b.previousRoot !== (previous?.root ?? ZeroHash) || b.firstSeq !== (previous?.lastSeq ?? 0) + 1 || b.lastSeq - b.firstSeq + 1 !== b.count) {
      return finish({ kind: "chain-broken", batch: i, seq: b.firstSeq, detail: `anchored batch ${i} does not link to batch ${i - 1}` });
    }
  }

  // 2. The local batch table must say what the chain says.
  const local = log.listBatches();
  for (const b of anchored) {
    const mine = local[b.index];
    if (!mine) {
      return finish({ kind: "root-mismatch", batch: b.index, seq: b.firstSeq, detail: `batch ${b.index} is anchored on chain but missing locally` });
    }
    if (mine.root !== b.root || mine.firstSeq !== b.firstSeq || mine.lastSeq !== b.lastSeq || mine.previousRoot !== b.previousRoot) {
      return finish({
        kind: "root-mismatch",
        batch: b.index,
        seq: b.firstSeq,
        detail: `local batch ${b.index} (seq ${mine.firstSeq}..${mine.lastSeq}, root ${mine.root}) differs from the chain (seq ${b.firstSeq}..${b.lastSeq}, root ${b.root})`,
      });
    }
  }
  for (const mine of local.slice(anchored.length)) {
    if (mine.status === "anchored") {
      return finish({ kind: "root-mismatch", batch: mine.index, seq: mine.firstSeq, detail: `local batch ${mine.index} is marked anchored but the chain has no such batch` });
    }
  }

  // 3. Every record, in order, re-hashed; every anchored batch rebuilt and compared.
  let expected = 1;
  let batchNo = 0;
  let leaves: Uint8Array[] = [];
  let firstUnanchoredOld: number | undefined;
  for await (const [key, value] of log.rawRecords()) {
    const position = parseInt(key, 16);
    if (position !== expected) {
      return finish({ kind: "missing", seq: expected, batch: batchOfSeq(anchored, expected), detail: `record ${expected} is missing` });
    }
    if (value.length !== RECORD_BYTES + 32 || seqOf(value) !== position) {
      return finish({
        kind: "reordered",
        seq: position,
        batch: batchOfSeq(anchored, position),
        detail: `the record at position ${position} carries sequence number ${value.length >= 32 ? seqOf(value) : "none"}`,
      });
    }
    const stored = value.subarray(RECORD_BYTES, RECORD_BYTES + 32);
    if (!equal(keccak256(value.subarray(0, RECORD_BYTES)), stored)) {
      return finish({ kind: "altered", seq: position, batch: batchOfSeq(anchored, position), detail: `record ${position} does not match its hash` });
    }
    lastSeq = position;
    recordsChecked++;
    if (recordsChecked % progressEvery === 0) options.onProgress?.(recordsChecked);
    const batch = anchored[batchNo];
    if (batch && position <= batch.lastSeq) {
      leaves.push(keccak256(stored));
      if (position === batch.lastSeq) {
        const root = hexlify(rootOfLeaves(leaves));
        if (root !== batch.root) {
          return finish({
            kind: "altered",
            batch: batch.index,
            seq: batch.firstSeq,
            detail: `records ${batch.firstSeq}..${batch.lastSeq} no longer hash to the root anchored for batch ${batch.index}`,
          });
        }
        batchesChecked++;
        batchNo++;
        leaves = [];
      }
    } else if (now - timeOf(value) > graceMs) {
      firstUnanchoredOld ??= position;
    } else {
      pendingRecords++;
    }
    expected++;
  }
  const anchoredThrough = anchored.at(-1)?.lastSeq ?? 0;
  if (lastSeq < anchoredThrough) {
    return finish({ kind: "missing", seq: lastSeq + 1, batch: batchOfSeq(anchored, lastSeq + 1), detail: `records ${lastSeq + 1}..${anchoredThrough} are anchored on chain but missing` });
  }
  if (firstUnanchoredOld !== undefined) {
    return finish({ kind: "unanchored", seq: firstUnanchoredOld, detail: `records from ${firstUnanchoredOld} on are older than ${graceMs} ms and not anchored` });
  }
  return finish();
}

function batchOfSeq(anchored: readonly ChainBatch[], seq: number): number | undefined {
  const batch = anchored.find((b) => seq >= b.firstSeq && seq <= b.lastSeq);
  return batch?.index;
}
