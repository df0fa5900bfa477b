import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toAddress, toUint } from "../../internal/validate.js";
import { roleIdOf, type ImiRoleName } from "../../roles/imiRoles.js";
import type { Address, Hex } from "../../types.js";

export type GrantRoleParameters = {
  /** A role name ("agency") or id (3). */
  role: ImiRoleName | number;
  member: Address;
  /** Seconds the member must wait between scheduling and executing; 0 (the default) acts at once. */
  executionDelay?: number;
  /** The governor (or the role's admin). */
  account?: ImiAccount;
};
export type GrantRoleReturnType = { hash: Hex; blockNumber: number; roleId: number };

/** The governor grants an AccessManager role (`grantRole`). Returns the block it was mined in. */
export async function grantRole(client: ImiBaseClient, p: GrantRoleParameters): Promise<GrantRoleReturnType> {
  const roleId = roleIdOf(p.role);
  const delay = toUint("executionDelay", p.executionDelay ?? 0, 32);
  const { hash, blockNumber } = await writeContract(client, { action: "grantRole", account: p.account, contract: "accessManager", functionName: "grantRole", args: [roleId, toAddress("member", p.member), delay] });
  return { hash, blockNumber, roleId };
}
