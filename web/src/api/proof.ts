// The proof badge: the browser fetches the record's receipt proof through the SDK's gateway client
// and checks it itself with the SDK: the record's fields hash to its leaf, and the leaf's Merkle
// path leads to the batch root that the gateway reports anchored in AccessLog (with its block).
// The browser has no JSON-RPC of its own, so the root is not looked up on chain here
// (the SDK's verifyReceipt does that where a chain client exists).
import { GatewayError, verifyAccessLogInclusion, type AccessRecord, type Hex } from "@imi-ledger/sdk";
import type { AccessRecordJson } from "./citizen.js";
import { gateway } from "./client.js";

export type ProofState = { state: "checking" } | { state: "verified"; blockNumber?: number; root: string } | { state: "pending" } | { state: "failed" };

export async function checkRecordProof(record: AccessRecordJson): Promise<ProofState> {
  let answer: Awaited<ReturnType<typeof gateway.getReceipt>>;
  try {
    answer = await gateway.getReceipt({ receipt: { seq: record.seq, recordHash: record.recordHash as Hex } });
  } catch (error) {
    if (error instanceof GatewayError && error.status === 404) return { state: "failed" };
    throw error;
  }
  if (!answer.batched) return { state: "pending" };
  // The record we were shown must be the record that is proven.
  if (answer.record.recordHash.toLowerCase() !== record.recordHash.toLowerCase()) return { state: "failed" };
  const { proof: _status, legalBasis: _basis, ...fields } = answer.record as typeof answer.record & { proof?: unknown; legalBasis?: unknown };
  const ok = verifyAccessLogInclusion({ record: fields as unknown as AccessRecord, leaf: answer.leaf as Hex, proof: answer.proof as Hex[], batch: { root: answer.batch.root as Hex } });
  if (!ok) return { state: "failed" };
  if (answer.batch.status !== "anchored") return { state: "pending" };
  return { state: "verified", blockNumber: answer.batch.blockNumber, root: answer.batch.root };
}
