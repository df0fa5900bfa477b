import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { StaffTransactionResult } from "../../gateway/schemas/staffDesk.js";
import type { Hex } from "../../types.js";

export type RelayStaffTransactionParameters = { signedTransaction: Hex; token?: string };
export type RelayStaffTransactionReturnType = StaffTransactionResult;

/**
 * POST /v1/staff/transactions (staff session): broadcasts a transaction the logged-in staff member
 * signed: IdentityRegistry.initiateRecovery (registrar) or ConsentRegistry.reviewStatutory
 * (auditor). Answers once it is in a block the gateway's index has seen.
 */
export async function relayStaffTransaction(client: GatewayBaseClient, p: RelayStaffTransactionParameters): Promise<RelayStaffTransactionReturnType> {
  const { token, ...body } = p;
  return (await callGateway<StaffTransactionResult>(client, { method: "POST", path: "/v1/staff/transactions", body, auth: "bearer", token, what: "staff transaction" })).body;
}
