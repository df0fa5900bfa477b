import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { checkAuthorization, signAction, type Authorization, type SignedAction } from "../../internal/signing.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import { cancelRecoveryTypedData } from "../../typedData/identityTypedData.js";
import type { Hex, Numberish } from "../../types.js";

export type CancelRecoveryParameters = { citizen: Hex; authorization?: Authorization; account?: ImiAccount };
export type CancelRecoveryReturnType = { hash: Hex; blockNumber: number };

/** The current controller stops a pending recovery, directly or through a relayed signature. */
export async function cancelRecovery(client: ImiBaseClient, p: CancelRecoveryParameters): Promise<CancelRecoveryReturnType> {
  const citizen = toNonZeroBytes32("citizen", p.citizen);
  const { hash, blockNumber } = await writeContract(client, {
    action: "cancelRecovery",
    account: p.account,
    contract: "identityRegistry",
    ...(p.authorization
      ? { functionName: "cancelRecoveryBySig", args: [citizen, await checkAuthorization(client, p.authorization)] }
      : { functionName: "cancelRecovery", args: [citizen] }),
  });
  return { hash, blockNumber };
}

export type SignCancelRecoveryParameters = { citizen: Hex; deadline?: Numberish; account?: ImiAccount };

export function signCancelRecovery(client: ImiBaseClient, p: SignCancelRecoveryParameters): Promise<SignedAction<"CancelRecovery">> {
  return signAction(client, {
    action: "signCancelRecovery",
    contract: "identityRegistry",
    account: p.account,
    deadline: p.deadline,
    build: (d) => cancelRecoveryTypedData({ ...d, citizen: p.citizen }),
  });
}
