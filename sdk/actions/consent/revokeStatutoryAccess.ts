import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type RevokeStatutoryAccessParameters = { grantId: Hex; account?: ImiAccount };
export type RevokeStatutoryAccessReturnType = { hash: Hex; blockNumber: number };

/** The governor ends a statutory grant early. */
export async function revokeStatutoryAccess(
  client: ImiBaseClient,
  p: RevokeStatutoryAccessParameters,
): Promise<RevokeStatutoryAccessReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "revokeStatutoryAccess",
    account: p.account,
    contract: "consentRegistry",
    functionName: "revokeStatutory",
    args: [toNonZeroBytes32("grantId", p.grantId)],
  });
  return { hash, blockNumber };
}
