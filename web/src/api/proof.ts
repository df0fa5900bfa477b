// The proof badge: the browser fetches the record's receipt proof and checks it itself with the
// SDK (the record's fields hash to its leaf, and the leaf's Merkle path leads to the batch root
// that the gateway reports anchored in AccessLog, with the block it was anchored in).
import { verifyAccessLogInclusion, type AccessRecord, type Hex } from "@imi-ledger/sdk";
import { GatewayError } from "@imi-ledger/sdk";
import { gatewayJson } from "./http.js";
import type { AccessRecordJson } from "./citizen.js";

export type ProofState = { state: "checking" } | { state: "verified"; blockNumber?: number; root: string } | { state: "pending" } | { state: "failed" };

type ReceiptAnswer =
  | { record: AccessRecordJson; leaf: Hex; proof: Hex[]; batch: { root: Hex; status: "pending" | "anchored"; blockNumber?: number } }
  | { status: string; record: AccessRecordJson };

export async function checkRecordProof(record: AccessRecordJson): Promise<ProofState> {
  let answer: ReceiptAnswer;
  try {
    answer = await gatewayJson<ReceiptAnswer>(`/v1/receipts/${record.seq}?recordHash=${record.recordHash}`);
  } catch (error) {
    if (error instanceof GatewayError && error.gatewayCode === "NOT_FOUND") return { state: "failed" };
    throw error;
  }
  if (!("proof" in answer)) return { state: "pending" };
  // The record we were shown must be the record that is proven.
  if (answer.record.recordHash.toLowerCase() !== record.recordHash.toLowerCase()) return { state: "failed" };
  const ok = verifyAccessLogInclusion({ record: answer.record as unknown as AccessRecord, leaf: answer.leaf, proof: answer.proof, batch: { root: answer.batch.root } });
  if (!ok) return { state: "failed" };
  if (answer.batch.status !== "anchored") return { state: "pending" };
  return { state: "verified", blockNumber: answer.batch.blockNumber, root: answer.batch.root };
}
