import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress } from "../../internal/validate.js";
import { roleIdOf, type ImiRoleName } from "../../roles/imiRoles.js";
import type { Address } from "../../types.js";

export type HasRoleParameters = {
  /** A role name ("agency") or id (3). */
  role: ImiRoleName | number;
  member: Address;
};
export type HasRoleReturnType = { isMember: boolean; executionDelay: number };

/** Whether `member` holds the role now (`hasRole`), and its execution delay. */
export async function hasRole(client: ImiBaseClient, p: HasRoleParameters): Promise<HasRoleReturnType> {
  const { isMember, executionDelay } = await readContract(client, { contract: "accessManager", functionName: "hasRole", args: [roleIdOf(p.role), toAddress("member", p.member)] });
  return { isMember, executionDelay: Number(executionDelay) };
}
