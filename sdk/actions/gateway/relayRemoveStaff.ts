import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { authorizationJson, type RelayAuthorization } from "../../gateway/client/relayJson.js";
import type { EnterpriseRelayed } from "../../gateway/schemas/enterpriseRelay.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type RelayRemoveStaffParameters = {
  enterprise: Hex;
  staff: Hex;
  /** From `signRemoveStaff` (the legal representative's, or the staff member's own, signature). */
  authorization: RelayAuthorization;
};
export type RelayRemoveStaffReturnType = EnterpriseRelayed;

/** POST /v1/enterprises/{enterprise}/staff/{staff}/remove: the gateway relays a signed RemoveStaff. */
export async function relayRemoveStaff(client: GatewayBaseClient, p: RelayRemoveStaffParameters): Promise<RelayRemoveStaffReturnType> {
  const enterprise = toNonZeroBytes32("enterprise", p.enterprise);
  const staff = toNonZeroBytes32("staff", p.staff);
  const body = JSON.stringify({ authorization: authorizationJson(p.authorization) });
  return (await callGateway<EnterpriseRelayed>(client, { method: "POST", path: `/v1/enterprises/${enterprise}/staff/${staff}/remove`, body, what: "staff removal relay" })).body;
}
