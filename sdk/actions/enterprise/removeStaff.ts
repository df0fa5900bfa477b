import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { checkAuthorization, signAction, type Authorization, type SignedAction } from "../../internal/signing.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import { removeStaffTypedData } from "../../typedData/enterpriseTypedData.js";
import type { Hex, Numberish } from "../../types.js";

export type RemoveStaffParameters = {
  enterprise: Hex;
  staff: Hex;
  /** Relay the legal representative's or the staff member's signature (`removeStaffBySig`). */
  authorization?: Authorization;
  account?: ImiAccount;
};
export type RemoveStaffReturnType = { hash: Hex; blockNumber: number };

/** Ends a staff appointment: the legal representative, the staff member itself or the counter. */
export async function removeStaff(client: ImiBaseClient, p: RemoveStaffParameters): Promise<RemoveStaffReturnType> {
  const args = [toNonZeroBytes32("enterprise", p.enterprise), toNonZeroBytes32("staff", p.staff)];
  const call = p.authorization
    ? { functionName: "removeStaffBySig" as const, args: [...args, await checkAuthorization(client, p.authorization)] }
    : { functionName: "removeStaff" as const, args };
  const { hash, blockNumber } = await writeContract(client, { action: "removeStaff", account: p.account, contract: "enterpriseRegistry", ...call });
  return { hash, blockNumber };
}

export type SignRemoveStaffParameters = { enterprise: Hex; staff: Hex; deadline?: Numberish; account?: ImiAccount };

/** The legal representative (or the staff member) signs a `RemoveStaff` for a relayer. */
export function signRemoveStaff(client: ImiBaseClient, p: SignRemoveStaffParameters): Promise<SignedAction<"RemoveStaff">> {
  return signAction(client, {
    action: "signRemoveStaff",
    contract: "enterpriseRegistry",
    account: p.account,
    deadline: p.deadline,
    build: (d) => removeStaffTypedData({ ...d, enterprise: p.enterprise, staff: p.staff }),
  });
}
