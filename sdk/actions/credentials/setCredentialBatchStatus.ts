import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32, toUint } from "../../internal/validate.js";
import type { Hex, Numberish } from "../../types.js";

export type SetCredentialBatchStatusParameters = {
  root: Hex;
  status: "revoked" | "suspended" | "active";
  reason?: Numberish;
  account?: ImiAccount;
};
export type SetCredentialBatchStatusReturnType = { hash: Hex; blockNumber: number };

const STATUS = { active: 1, suspended: 2, revoked: 3 } as const;

/** The anchoring issuer changes the status of a whole batch. */
export async function setCredentialBatchStatus(
  client: ImiBaseClient,
  p: SetCredentialBatchStatusParameters,
): Promise<SetCredentialBatchStatusReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "setCredentialBatchStatus",
    account: p.account,
    contract: "credentialRegistry",
    functionName: "setBatchStatus",
    args: [toNonZeroBytes32("root", p.root), STATUS[p.status], toUint("reason", p.reason ?? 0, 16)],
  });
  return { hash, blockNumber };
}
