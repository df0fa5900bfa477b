import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { EnterpriseStaffList } from "../../gateway/schemas/enterprises.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type GetEnterpriseStaffListParameters = { enterprise: Hex; token?: string };
export type GetEnterpriseStaffListReturnType = EnterpriseStaffList;

/** GET /v1/enterprises/{enterprise}/staff (a representative's citizen session): the legal representative and every staff appointment. */
export async function getEnterpriseStaffList(client: GatewayBaseClient, p: GetEnterpriseStaffListParameters): Promise<GetEnterpriseStaffListReturnType> {
  const enterprise = toNonZeroBytes32("enterprise", p.enterprise);
  return (await callGateway<EnterpriseStaffList>(client, { method: "GET", path: `/v1/enterprises/${enterprise}/staff`, auth: "bearer", token: p.token, what: "enterprise staff" })).body;
}
