import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { AccessReceipt } from "../../gateway/schemas/common.js";
import type { ReceiptPending, ReceiptProof } from "../../gateway/schemas/trace.js";
import { toBytes32, toUint } from "../../internal/validate.js";

export type GetReceiptParameters = { receipt: Pick<AccessReceipt, "seq" | "recordHash"> };
/** The record with its Merkle proof once its batch is cut (`batched`), or the bare record while it waits. */
export type GetReceiptReturnType = ({ batched: true } & ReceiptProof) | ({ batched: false } & ReceiptPending);

/**
 * GET /v1/receipts/{seq}?recordHash= (anyone holding the receipt): the logged record behind a
 * receipt and, once its batch is cut, the proof from the record to the batch root. 404 NOT_FOUND
 * for an unknown sequence number and for a wrong hash alike.
 */
export async function getReceipt(client: GatewayBaseClient, p: GetReceiptParameters): Promise<GetReceiptReturnType> {
  const seq = toUint("receipt.seq", p.receipt.seq, 53);
  const recordHash = toBytes32("receipt.recordHash", p.receipt.recordHash);
  const { status, body } = await callGateway<ReceiptProof | ReceiptPending>(client, {
    method: "GET",
    path: `/v1/receipts/${seq}`,
    query: { recordHash },
    what: "receipt",
  });
  return status === 202 ? { batched: false, ...(body as ReceiptPending) } : { batched: true, ...(body as ReceiptProof) };
}
