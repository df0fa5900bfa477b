import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type ReviewStatutoryAccessParameters = { grantId: Hex; outcome: Hex; account?: ImiAccount };
export type ReviewStatutoryAccessReturnType = { hash: Hex; blockNumber: number };

/** An auditor records the review of a statutory grant (once). */
export async function reviewStatutoryAccess(
  client: ImiBaseClient,
  p: ReviewStatutoryAccessParameters,
): Promise<ReviewStatutoryAccessReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "reviewStatutoryAccess",
    account: p.account,
    contract: "consentRegistry",
    functionName: "reviewStatutory",
    args: [toNonZeroBytes32("grantId", p.grantId), toNonZeroBytes32("outcome", p.outcome)],
  });
  return { hash, blockNumber };
}
