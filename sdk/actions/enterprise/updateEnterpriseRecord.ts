import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type UpdateEnterpriseRecordParameters = {
  enterprise: Hex;
  /** Salted hash of the enterprise's new record in the vault (see `recordCommitment`). */
  commitment: Hex;
  account?: ImiAccount;
};
export type UpdateEnterpriseRecordReturnType = { hash: Hex; blockNumber: number };

/** The counter records a new commitment for an enterprise's record (a licence, the tax standing, an inspection changed). */
export async function updateEnterpriseRecord(client: ImiBaseClient, p: UpdateEnterpriseRecordParameters): Promise<UpdateEnterpriseRecordReturnType> {
  return writeContract(client, {
    action: "updateEnterpriseRecord",
    account: p.account,
    contract: "enterpriseRegistry",
    functionName: "updateRecord",
    args: [toNonZeroBytes32("enterprise", p.enterprise), toNonZeroBytes32("commitment", p.commitment)],
  });
}
