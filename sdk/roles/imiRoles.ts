// Role ids in the one AccessManager that governs IMI, as contracts/utils/ImiRoles.sol declares them
// (test/sdk/roles.test.ts holds the two equal). The governor is the AccessManager's ADMIN_ROLE (0).
// Everything that names a role -- the gateway, the indexer, the node, the CLI -- takes it from here.
import { InvalidInputError } from "../errors/errors.js";

export const IMI_ROLES = {
  governor: 0,
  registrar: 1,
  issuer: 2,
  agency: 3,
  auditor: 4,
  gateway: 5,
  attester: 6,
  counter: 7,
  credit_authority: 8,
  verifier: 9,
  department: 10,
} as const;

export type ImiRoleName = keyof typeof IMI_ROLES;
export type ImiRoleId = (typeof IMI_ROLES)[ImiRoleName];

/** Every role name, in id order. */
export const IMI_ROLE_NAMES = Object.keys(IMI_ROLES) as readonly ImiRoleName[];

/** The roles the governor grants to accounts (everything but the governor itself). */
export const GRANTABLE_ROLE_NAMES = IMI_ROLE_NAMES.filter((name) => name !== "governor") as readonly Exclude<ImiRoleName, "governor">[];

/** The name of a role id (number, bigint or decimal string), or undefined for an id IMI does not use. */
export function roleNameOf(id: number | bigint | string): ImiRoleName | undefined {
  const n = String(id);
  return IMI_ROLE_NAMES.find((name) => String(IMI_ROLES[name]) === n);
}

/** A role by name or id; throws INVALID_ROLE for anything else. */
export function roleIdOf(role: string | number | bigint): ImiRoleId {
  const name = typeof role === "string" && role.toLowerCase() in IMI_ROLES ? (role.toLowerCase() as ImiRoleName) : roleNameOf(role);
  if (name === undefined) throw new InvalidInputError("INVALID_ROLE", "role", `Unknown role ${String(role)}: use one of ${IMI_ROLE_NAMES.join(", ")}.`);
  return IMI_ROLES[name];
}
