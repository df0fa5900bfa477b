import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { getEvents } from "../../internal/contractCall.js";
import { toAddress, toBytes32 } from "../../internal/validate.js";
import { verifyAccessLogInclusion, type AccessLogProof } from "../../receipts/accessRecord.js";

export type VerifyAccessLogProofParameters = { proof: AccessLogProof };
export type VerifyAccessLogProofReturnType =
  | { valid: true; batchIndex: bigint; blockNumber: number }
  | { valid: false; reason: "badProof" | "notAnchored" | "outOfRange" };

/**
 * Proves a logged access: the record's Merkle proof leads to a root that the record's gateway
 * anchored on chain, and the record's sequence number lies in that batch. "notAnchored" may only
 * mean the batch is not anchored yet.
 */
export async function verifyAccessLogProof(
  client: ImiBaseClient,
  p: VerifyAccessLogProofParameters,
): Promise<VerifyAccessLogProofReturnType> {
  const { proof } = p;
  if (!verifyAccessLogInclusion(proof)) return { valid: false, reason: "badProof" };
  const gateway = toAddress("record.gateway", proof.record.gateway);
  const events = await getEvents(client, {
    contract: "accessLog",
    eventName: "BatchAnchored",
    topics: [gateway, null, toBytes32("batch.root", proof.batch.root)],
  });
  const event = events[0];
  if (!event) return { valid: false, reason: "notAnchored" };
  const seq = BigInt(proof.record.seq);
  if (seq < (event.args.firstSeq as bigint) || seq > (event.args.lastSeq as bigint)) return { valid: false, reason: "outOfRange" };
  return { valid: true, batchIndex: event.args.batchIndex as bigint, blockNumber: event.blockNumber };
}
