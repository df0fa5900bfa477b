import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { authorizationJson, type RelayAuthorization } from "../../gateway/client/relayJson.js";
import type { CommunityRelayed } from "../../gateway/schemas/community.js";
import { toShareRequest, type ShareRequest } from "../../typedData/communityTypedData.js";

export type RelayShareCommunityFactsParameters = {
  request: ShareRequest;
  /** From `signShareCommunityFacts` (the resident's signature). */
  authorization: RelayAuthorization;
};
export type RelayShareCommunityFactsReturnType = CommunityRelayed;

/** POST /v1/community/shares: the gateway relays a resident's signed Share. */
export async function relayShareCommunityFacts(client: GatewayBaseClient, p: RelayShareCommunityFactsParameters): Promise<RelayShareCommunityFactsReturnType> {
  const r = toShareRequest(p.request);
  const body = { request: { ...r, validUntil: r.validUntil.toString() }, authorization: authorizationJson(p.authorization) };
  return (await callGateway<CommunityRelayed>(client, { method: "POST", path: "/v1/community/shares", body, what: "community share relay" })).body;
}
