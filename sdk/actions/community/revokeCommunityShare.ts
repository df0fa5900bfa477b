import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { checkAuthorization, signAction, type Authorization, type SignedAction } from "../../internal/signing.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import { revokeShareTypedData } from "../../typedData/communityTypedData.js";
import type { Hex, Numberish } from "../../types.js";

export type RevokeCommunityShareParameters = { shareId: Hex; authorization?: Authorization; account?: ImiAccount };
export type RevokeCommunityShareReturnType = { hash: Hex; blockNumber: number };

/** The resident ends a share: directly with her key, or by relaying her signature (`revokeShareBySig`). */
export async function revokeCommunityShare(client: ImiBaseClient, p: RevokeCommunityShareParameters): Promise<RevokeCommunityShareReturnType> {
  const shareId = toNonZeroBytes32("shareId", p.shareId);
  const { hash, blockNumber } = await writeContract(client, {
    action: "revokeCommunityShare",
    account: p.account,
    contract: "communityRegistry",
    ...(p.authorization
      ? { functionName: "revokeShareBySig", args: [shareId, await checkAuthorization(client, p.authorization)] }
      : { functionName: "revokeShare", args: [shareId] }),
  });
  return { hash, blockNumber };
}

export type SignRevokeCommunityShareParameters = { shareId: Hex; deadline?: Numberish; account?: ImiAccount };

/** The resident signs a `RevokeShare` for a relayer. */
export function signRevokeCommunityShare(client: ImiBaseClient, p: SignRevokeCommunityShareParameters): Promise<SignedAction<"RevokeShare">> {
  return signAction(client, {
    action: "signRevokeCommunityShare",
    contract: "communityRegistry",
    account: p.account,
    deadline: p.deadline,
    build: (d) => revokeShareTypedData({ ...d, shareId: p.shareId }),
  });
}
