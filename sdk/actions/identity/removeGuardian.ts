import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { checkAuthorization, signAction, type Authorization, type SignedAction } from "../../internal/signing.js";
import { toNonZeroAddress, toNonZeroBytes32 } from "../../internal/validate.js";
import { removeGuardianTypedData } from "../../typedData/identityTypedData.js";
import type { Address, Hex, Numberish } from "../../types.js";

export type RemoveGuardianParameters = { citizen: Hex; guardian: Address; authorization?: Authorization; account?: ImiAccount };
export type RemoveGuardianReturnType = { hash: Hex; blockNumber: number };

/** The controller, a registrar or the guardian itself ends a guardianship (directly or signed). */
export async function removeGuardian(client: ImiBaseClient, p: RemoveGuardianParameters): Promise<RemoveGuardianReturnType> {
  const args = [toNonZeroBytes32("citizen", p.citizen), toNonZeroAddress("guardian", p.guardian)];
  const { hash, blockNumber } = await writeContract(client, {
    action: "removeGuardian",
    account: p.account,
    contract: "identityRegistry",
    ...(p.authorization
      ? { functionName: "removeGuardianBySig", args: [...args, await checkAuthorization(client, p.authorization)] }
      : { functionName: "removeGuardian", args }),
  });
  return { hash, blockNumber };
}

export type SignRemoveGuardianParameters = { citizen: Hex; guardian: Address; deadline?: Numberish; account?: ImiAccount };

export function signRemoveGuardian(client: ImiBaseClient, p: SignRemoveGuardianParameters): Promise<SignedAction<"RemoveGuardian">> {
  return signAction(client, {
    action: "signRemoveGuardian",
    contract: "identityRegistry",
    account: p.account,
    deadline: p.deadline,
    build: (d) => removeGuardianTypedData({ ...d, citizen: p.citizen, guardian: p.guardian }),
  });
}
