import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { InvalidInputError } from "../../errors/errors.js";
import { writeContract } from "../../internal/contractCall.js";
import { roleIdOf, type ImiRoleName } from "../../roles/imiRoles.js";
import type { Hex } from "../../types.js";

export type LabelRoleParameters = {
  /** A role name ("agency") or id (3). */
  role: ImiRoleName | number;
  /** The name people see for the role (emitted as RoleLabel; the chain keeps no copy). */
  label: string;
  /** The governor. */
  account?: ImiAccount;
};
export type LabelRoleReturnType = { hash: Hex; blockNumber: number; roleId: number };

/** The governor names a role (`labelRole`). Returns the block it was mined in. */
export async function labelRole(client: ImiBaseClient, p: LabelRoleParameters): Promise<LabelRoleReturnType> {
  const roleId = roleIdOf(p.role);
  if (typeof p.label !== "string" || p.label.trim() === "") throw new InvalidInputError("INVALID_LABEL", "label", "A role label must not be empty.");
  const { hash, blockNumber } = await writeContract(client, { action: "labelRole", account: p.account, contract: "accessManager", functionName: "labelRole", args: [roleId, p.label] });
  return { hash, blockNumber, roleId };
}
