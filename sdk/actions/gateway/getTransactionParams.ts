import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { TransactionParams } from "../../gateway/schemas/staffDesk.js";
import { toNonZeroAddress } from "../../internal/validate.js";
import type { Address } from "../../types.js";

export type GetTransactionParamsParameters = { signer: Address };
export type GetTransactionParamsReturnType = TransactionParams;

/** GET /v1/signers/{signer}/transaction: chain id, next nonce and gas price, for a browser that signs a transaction without a JSON-RPC of its own. */
export async function getTransactionParams(client: GatewayBaseClient, p: GetTransactionParamsParameters): Promise<GetTransactionParamsReturnType> {
  const signer = toNonZeroAddress("signer", p.signer);
  return (await callGateway<TransactionParams>(client, { method: "GET", path: `/v1/signers/${signer}/transaction`, what: "transaction parameters" })).body;
}
