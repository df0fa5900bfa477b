import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { AccessReceipt } from "../../gateway/schemas/common.js";
import type { AccessRecord } from "../../receipts/accessRecord.js";
import { verifyAccessLogProof, type VerifyAccessLogProofReturnType } from "../accessLog/verifyAccessLogProof.js";
import { getReceipt, type GetReceiptReturnType } from "./getReceipt.js";

export type VerifyReceiptParameters = {
  receipt: Pick<AccessReceipt, "seq" | "recordHash">;
  /** A chain client: the proof's root is looked up in AccessLog on chain, not taken from the gateway. */
  chain: ImiBaseClient;
};
export type VerifyReceiptReturnType =
  | (VerifyAccessLogProofReturnType & { receipt: GetReceiptReturnType })
  | { valid: false; reason: "notBatched"; receipt: GetReceiptReturnType };

/**
 * Fetches a receipt's proof from the gateway and checks it with `verifyAccessLogProof`: the record
 * hashes to the receipt's hash, leads to the batch root, and that root is anchored on chain by the
 * record's gateway over a range holding its sequence number. "notBatched" and "notAnchored" may
 * only mean "not yet".
 */
export async function verifyReceipt(client: GatewayBaseClient, p: VerifyReceiptParameters): Promise<VerifyReceiptReturnType> {
  const receipt = await getReceipt(client, p);
  if (!receipt.batched) return { valid: false, reason: "notBatched", receipt };
  if (receipt.record.recordHash.toLowerCase() !== p.receipt.recordHash.toLowerCase()) return { valid: false, reason: "badProof", receipt };
  const { proof: _status, legalBasis: _basis, ...fields } = receipt.record;
  void _status;
  void _basis;
  const verdict = await verifyAccessLogProof(p.chain, {
    proof: { record: fields as AccessRecord, leaf: receipt.leaf, batch: { root: receipt.batch.root, index: receipt.batch.index }, proof: receipt.proof },
  });
  return { ...verdict, receipt };
}
