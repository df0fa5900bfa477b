import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { CommunityView } from "../../gateway/schemas/community.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type ViewCommunityShareParameters = { shareId: Hex; token?: string };
export type ViewCommunityShareReturnType = CommunityView;

/** GET /v1/community/shares/{shareId} (the neighbour's citizen session): the facts shared with her; the view is logged. */
export async function viewCommunityShare(client: GatewayBaseClient, p: ViewCommunityShareParameters): Promise<ViewCommunityShareReturnType> {
  const shareId = toNonZeroBytes32("shareId", p.shareId);
  return (await callGateway<CommunityView>(client, { method: "GET", path: `/v1/community/shares/${shareId}`, auth: "bearer", token: p.token, what: "community view" })).body;
}
