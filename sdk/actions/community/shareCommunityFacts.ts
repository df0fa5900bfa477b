import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { eventOf, writeContract } from "../../internal/contractCall.js";
import { checkAuthorization, signAction, type Authorization, type SignedAction } from "../../internal/signing.js";
import { shareTypedData, toShareRequest, type ShareRequest } from "../../typedData/communityTypedData.js";
import type { Hex, Numberish } from "../../types.js";

export type ShareCommunityFactsParameters = {
  request: ShareRequest;
  /** Relay the resident's signature from {@link signShareCommunityFacts} (`shareBySig`). */
  authorization?: Authorization;
  account?: ImiAccount;
};
export type ShareCommunityFactsReturnType = { hash: Hex; blockNumber: number; shareId: Hex };

/** A resident shares chosen facts with a neighbour until a time: directly with her key, or by relaying her signature. */
export async function shareCommunityFacts(client: ImiBaseClient, p: ShareCommunityFactsParameters): Promise<ShareCommunityFactsReturnType> {
  const r = toShareRequest(p.request);
  const request = [r.resident, r.neighbour, r.facts, r.validUntil];
  const result = await writeContract(client, {
    action: "shareCommunityFacts",
    account: p.account,
    contract: "communityRegistry",
    ...(p.authorization
      ? { functionName: "shareBySig", args: [request, await checkAuthorization(client, p.authorization)] }
      : { functionName: "share", args: [request] }),
  });
  return { hash: result.hash, blockNumber: result.blockNumber, shareId: eventOf(result, "communityRegistry", "FactsShared").shareId };
}

export type SignShareCommunityFactsParameters = { request: ShareRequest; deadline?: Numberish; account?: ImiAccount };

/** The resident signs a `Share` for a relayer (the gateway). */
export function signShareCommunityFacts(client: ImiBaseClient, p: SignShareCommunityFactsParameters): Promise<SignedAction<"Share">> {
  return signAction(client, {
    action: "signShareCommunityFacts",
    contract: "communityRegistry",
    account: p.account,
    deadline: p.deadline,
    build: (d) => shareTypedData({ ...d, request: p.request }),
  });
}
