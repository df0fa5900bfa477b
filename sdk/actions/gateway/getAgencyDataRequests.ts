import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { AgencyDataRequests } from "../../gateway/schemas/webhooks.js";

export type GetAgencyDataRequestsParameters = { token?: string };
export type GetAgencyDataRequestsReturnType = AgencyDataRequests;

/** GET /v1/agency/data-requests (agency session): citizens' deletion and correction requests to the agency. */
export async function getAgencyDataRequests(client: GatewayBaseClient, p: GetAgencyDataRequestsParameters = {}): Promise<GetAgencyDataRequestsReturnType> {
  return (await callGateway<AgencyDataRequests>(client, { method: "GET", path: "/v1/agency/data-requests", auth: "bearer", token: p.token, what: "agency data requests" })).body;
}
