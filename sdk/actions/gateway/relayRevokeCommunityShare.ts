import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { authorizationJson, type RelayAuthorization } from "../../gateway/client/relayJson.js";
import type { CommunityRelayed } from "../../gateway/schemas/community.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type RelayRevokeCommunityShareParameters = { shareId: Hex; authorization: RelayAuthorization };
export type RelayRevokeCommunityShareReturnType = CommunityRelayed;

/** POST /v1/community/shares/{shareId}/revoke: the gateway relays a resident's signed RevokeShare. */
export async function relayRevokeCommunityShare(client: GatewayBaseClient, p: RelayRevokeCommunityShareParameters): Promise<RelayRevokeCommunityShareReturnType> {
  const shareId = toNonZeroBytes32("shareId", p.shareId);
  const body = { authorization: authorizationJson(p.authorization) };
  return (await callGateway<CommunityRelayed>(client, { method: "POST", path: `/v1/community/shares/${shareId}/revoke`, body, what: "community share revoke" })).body;
}
