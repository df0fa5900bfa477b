import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { CitizenDataRequests } from "../../gateway/schemas/webhooks.js";

export type GetCitizenDataRequestsParameters = { token?: string };
export type GetCitizenDataRequestsReturnType = CitizenDataRequests;

/** GET /v1/citizen/data-requests (citizen session): the citizen's requests to agencies and the notices agencies were sent about the citizen's consents. */
export async function getCitizenDataRequests(client: GatewayBaseClient, p: GetCitizenDataRequestsParameters = {}): Promise<GetCitizenDataRequestsReturnType> {
  return (await callGateway<CitizenDataRequests>(client, { method: "GET", path: "/v1/citizen/data-requests", auth: "bearer", token: p.token, what: "citizen data requests" })).body;
}
