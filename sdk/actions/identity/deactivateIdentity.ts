import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type DeactivateIdentityParameters = {
  citizen: Hex;
  /** A reason code, e.g. `code("deceased")`; never free text. */
  reason: Hex;
  account?: ImiAccount;
};
export type DeactivateIdentityReturnType = { hash: Hex; blockNumber: number };

/** A registrar deactivates an identity for good. */
export async function deactivateIdentity(client: ImiBaseClient, p: DeactivateIdentityParameters): Promise<DeactivateIdentityReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "deactivateIdentity",
    account: p.account,
    contract: "identityRegistry",
    functionName: "deactivate",
    args: [toNonZeroBytes32("citizen", p.citizen), toNonZeroBytes32("reason", p.reason)],
  });
  return { hash, blockNumber };
}
