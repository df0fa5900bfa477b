import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { AgencyWebhooks } from "../../gateway/schemas/webhooks.js";

export type GetAgencyWebhooksParameters = { limit?: number; token?: string };
export type GetAgencyWebhooksReturnType = AgencyWebhooks;

/** GET /v1/agency/webhooks (agency session): its endpoints and its latest deliveries (newest first) with their state. */
export async function getAgencyWebhooks(client: GatewayBaseClient, p: GetAgencyWebhooksParameters = {}): Promise<GetAgencyWebhooksReturnType> {
  return (await callGateway<AgencyWebhooks>(client, { method: "GET", path: "/v1/agency/webhooks", query: { limit: p.limit }, auth: "bearer", token: p.token, what: "agency webhooks" })).body;
}
