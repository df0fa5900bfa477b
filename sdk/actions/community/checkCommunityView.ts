import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { COMMUNITY_VIEW_CODES, type CommunityViewCode } from "../../community/communityFacts.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type CheckCommunityViewParameters = { shareId: Hex; viewer: Hex; uid: Hex };
export type CheckCommunityViewReturnType = { allowed: boolean; code: CommunityViewCode };

/** Whether the citizen `viewer` may see fact `uid` through `shareId` now (CommunityRegistry.checkView), as a code. */
export async function checkCommunityView(client: ImiBaseClient, p: CheckCommunityViewParameters): Promise<CheckCommunityViewReturnType> {
  const decision = await readContract(client, {
    contract: "communityRegistry",
    functionName: "checkView",
    args: [toBytes32("shareId", p.shareId), toBytes32("viewer", p.viewer), toBytes32("uid", p.uid)],
  });
  const code = COMMUNITY_VIEW_CODES[Number(decision)] ?? "UNKNOWN_SHARE";
  return { allowed: code === "ALLOWED", code };
}
