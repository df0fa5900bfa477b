import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { CitizenCommunity } from "../../gateway/schemas/community.js";

export type GetCitizenCommunityParameters = { token?: string };
export type GetCitizenCommunityReturnType = CitizenCommunity;

/** GET /v1/citizen/community (citizen session): her facts, her shares, shares with her, and who viewed what. */
export async function getCitizenCommunity(client: GatewayBaseClient, p: GetCitizenCommunityParameters = {}): Promise<GetCitizenCommunityReturnType> {
  return (await callGateway<CitizenCommunity>(client, { method: "GET", path: "/v1/citizen/community", auth: "bearer", token: p.token, what: "citizen community" })).body;
}
