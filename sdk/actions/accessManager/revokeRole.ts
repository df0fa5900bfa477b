import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toAddress } from "../../internal/validate.js";
import { roleIdOf, type ImiRoleName } from "../../roles/imiRoles.js";
import type { Address, Hex } from "../../types.js";

export type RevokeRoleParameters = {
  /** A role name ("agency") or id (3). */
  role: ImiRoleName | number;
  member: Address;
  /** The governor (or the role's admin). */
  account?: ImiAccount;
};
export type RevokeRoleReturnType = { hash: Hex; blockNumber: number; roleId: number };

/** The governor takes an AccessManager role away (`revokeRole`). Returns the block it was mined in. */
export async function revokeRole(client: ImiBaseClient, p: RevokeRoleParameters): Promise<RevokeRoleReturnType> {
  const roleId = roleIdOf(p.role);
  const { hash, blockNumber } = await writeContract(client, { action: "revokeRole", account: p.account, contract: "accessManager", functionName: "revokeRole", args: [roleId, toAddress("member", p.member)] });
  return { hash, blockNumber, roleId };
}
