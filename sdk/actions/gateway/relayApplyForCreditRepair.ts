import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { authorizationJson, type RelayAuthorization } from "../../gateway/client/relayJson.js";
import type { RepairRelayed } from "../../gateway/schemas/enterpriseRelay.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type RelayApplyForCreditRepairParameters = {
  entryId: Hex;
  evidenceHash: Hex;
  /** From `signApplyForCreditRepair` (the subject's, or its representative's, signature). */
  authorization: RelayAuthorization;
};
export type RelayApplyForCreditRepairReturnType = RepairRelayed;

/** POST /v1/credit/repairs: the gateway relays a signed ApplyForRepair; the answer names the application. */
export async function relayApplyForCreditRepair(client: GatewayBaseClient, p: RelayApplyForCreditRepairParameters): Promise<RelayApplyForCreditRepairReturnType> {
  const body = JSON.stringify({
    entryId: toNonZeroBytes32("entryId", p.entryId),
    evidenceHash: toNonZeroBytes32("evidenceHash", p.evidenceHash),
    authorization: authorizationJson(p.authorization),
  });
  return (await callGateway<RepairRelayed>(client, { method: "POST", path: "/v1/credit/repairs", body, what: "repair relay" })).body;
}
