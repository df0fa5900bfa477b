import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type CompleteRecoveryParameters = { citizen: Hex; account?: ImiAccount };
export type CompleteRecoveryReturnType = { hash: Hex; blockNumber: number };

/** Anyone completes a recovery whose delay has passed. */
export async function completeRecovery(client: ImiBaseClient, p: CompleteRecoveryParameters): Promise<CompleteRecoveryReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "completeRecovery",
    account: p.account,
    contract: "identityRegistry",
    functionName: "completeRecovery",
    args: [toNonZeroBytes32("citizen", p.citizen)],
  });
  return { hash, blockNumber };
}
