import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { authorizationJson, type RelayAuthorization } from "../../gateway/client/relayJson.js";
import type { EnterpriseRelayed } from "../../gateway/schemas/enterpriseRelay.js";
import { toNonZeroBytes32, toPositiveUint, toUint } from "../../internal/validate.js";
import type { Hex, Numberish } from "../../types.js";

export type RelayAppointStaffParameters = {
  enterprise: Hex;
  staff: Hex;
  scopes: Numberish;
  expiresAt: Numberish;
  /** From `signAppointStaff` (the legal representative's signature). */
  authorization: RelayAuthorization;
};
export type RelayAppointStaffReturnType = EnterpriseRelayed;

/** POST /v1/enterprises/{enterprise}/staff: the gateway relays a legal representative's signed AppointStaff. */
export async function relayAppointStaff(client: GatewayBaseClient, p: RelayAppointStaffParameters): Promise<RelayAppointStaffReturnType> {
  const enterprise = toNonZeroBytes32("enterprise", p.enterprise);
  const body = JSON.stringify({
    staff: toNonZeroBytes32("staff", p.staff),
    scopes: toPositiveUint("scopes", p.scopes, 256).toString(),
    expiresAt: toUint("expiresAt", p.expiresAt, 64).toString(),
    authorization: authorizationJson(p.authorization),
  });
  return (await callGateway<EnterpriseRelayed>(client, { method: "POST", path: `/v1/enterprises/${enterprise}/staff`, body, what: "staff relay" })).body;
}
