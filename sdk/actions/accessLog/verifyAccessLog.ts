import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { toAddress } from "../../internal/validate.js";
import { buildAccessLogBatch, type AccessRecord } from "../../receipts/accessRecord.js";
import type { Address, Hex } from "../../types.js";
import { getLogBatches, type AnchoredLogBatch } from "./getLogBatches.js";
import { getLogHead } from "./getLogHead.js";

export type AccessLogProblem =
  | { kind: "batchIndexGap"; batchIndex: bigint; expected: bigint }
  | { kind: "previousRootMismatch"; batchIndex: bigint; expected: Hex; actual: Hex }
  | { kind: "sequenceGap"; batchIndex: bigint; expectedFirstSeq: bigint; firstSeq: bigint }
  | { kind: "countMismatch"; batchIndex: bigint }
  | { kind: "headMismatch"; head: Hex; lastBatchRoot: Hex }
  | { kind: "missingRecords"; batchIndex: bigint; firstSeq: bigint; lastSeq: bigint }
  | { kind: "rootMismatch"; batchIndex: bigint; anchored: Hex; recomputed: Hex };

export type VerifyAccessLogParameters = {
  gateway: Address;
  /** The gateway's records (from its log or an export). When given, every anchored root is recomputed. */
  records?: readonly AccessRecord[];
  fromBlock?: number;
};
export type VerifyAccessLogReturnType = {
  valid: boolean;
  batches: AnchoredLogBatch[];
  lastSeq: bigint;
  problems: AccessLogProblem[];
};

/**
 * Checks a gateway's chain of batches on chain: consecutive indexes, each batch linking the previous
 * root, gap-free sequence ranges, and the stored head. With `records`, also that each batch's root
 * is the Merkle root of exactly those records: a missing or altered record shows up as a problem.
 */
export async function verifyAccessLog(client: ImiBaseClient, p: VerifyAccessLogParameters): Promise<VerifyAccessLogReturnType> {
  const gateway = toAddress("gateway", p.gateway);
  const [batches, head] = await Promise.all([getLogBatches(client, { gateway, fromBlock: p.fromBlock }), getLogHead(client, { gateway })]);
  const problems: AccessLogProblem[] = [];
  let previousRoot = `0x${"0".repeat(64)}` as Hex;
  let expectedFirstSeq = 1n;
  batches.forEach((b, i) => {
    if (b.batchIndex !== BigInt(i)) problems.push({ kind: "batchIndexGap", batchIndex: b.batchIndex, expected: BigInt(i) });
    if (b.previousRoot !== previousRoot) problems.push({ kind: "previousRootMismatch", batchIndex: b.batchIndex, expected: previousRoot, actual: b.previousRoot });
    if (b.firstSeq !== expectedFirstSeq) problems.push({ kind: "sequenceGap", batchIndex: b.batchIndex, expectedFirstSeq, firstSeq: b.firstSeq });
    if (b.count !== b.lastSeq - b.firstSeq + 1n) problems.push({ kind: "countMismatch", batchIndex: b.batchIndex });
    previousRoot = b.root;
    expectedFirstSeq = b.lastSeq + 1n;
  });
  if (head.root !== previousRoot) problems.push({ kind: "headMismatch", head: head.root, lastBatchRoot: previousRoot });
  if (p.records) {
    const bySeq = new Map(p.records.map((r) => [BigInt(r.seq), r]));
    for (const b of batches) {
      const slice: AccessRecord[] = [];
      for (let s = b.firstSeq; s <= b.lastSeq; s++) {
        const r = bySeq.get(s);
        if (r) slice.push(r);
      }
      if (slice.length !== Number(b.count)) {
        problems.push({ kind: "missingRecords", batchIndex: b.batchIndex, firstSeq: b.firstSeq, lastSeq: b.lastSeq });
        continue;
      }
      const recomputed = buildAccessLogBatch(slice).root;
      if (recomputed !== b.root) problems.push({ kind: "rootMismatch", batchIndex: b.batchIndex, anchored: b.root, recomputed });
    }
  }
  return { valid: problems.length === 0, batches, lastSeq: head.lastSeq, problems };
}
