import { Interface } from "ethers";
import { imiAccessManagerAbi } from "@imi-ledger/sdk";
import type { Address, Hex } from "@imi-ledger/sdk";
import { CliError, EXIT } from "../../CliError.js";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { address, role as parseRole, ROLES, type RoleName } from "../../internal/parse.js";

/** For decoding the AccessManager's events (`imi roles list`). */
export const accessManager = new Interface(imiAccessManagerAbi as never);

export type RoleChangeOptions = NodeOptions & KeyOptions & { role: string; account: string };
export type RoleChangeResult = {
  role: RoleName;
  roleId: number;
  account: Address;
  allowlisted: boolean;
  txHashes: Hex[];
  /** The block the role change was mined in; absent when nothing had to change. */
  blockNumber?: number;
};

export function managerOf(deployment: { contracts: { accessManager?: string } }): string {
  const manager = deployment.contracts.accessManager;
  if (!manager) throw new CliError("DEPLOYMENT_INCOMPLETE", "the deployment names no AccessManager; roles cannot be managed", { exitCode: EXIT.config });
  return manager;
}

/**
 * The governor grants a role and admits the account to the chain's allowlist (AccountRules), so
 * the new registrar, issuer or agency can send transactions at once.
 */
export async function grantRole(options: RoleChangeOptions): Promise<RoleChangeResult> {
  const role = parseRole(options.role);
  const account = address("account", options.account);
  const node = await connect(options);
  const governor = await loadKey(options, "governor");
  const client = node.client(governor);
  managerOf(node.deployment);
  const txHashes: Hex[] = [];
  let blockNumber: number | undefined;
  if (!(await client.roles.has({ role, member: account })).isMember) {
    const granted = await client.roles.grant({ role, member: account });
    txHashes.push(granted.hash);
    blockNumber = granted.blockNumber;
  }
  let allowlisted = true;
  if (node.deployment.contracts.accountRules) {
    if (!(await client.accountRules.isAllowed({ address: account }))) txHashes.push((await client.accountRules.setAllowed({ accounts: [account], allowed: true })).hash);
    // Accounts allowed after the genesis get a fee float too, so clients' default tips can be paid (node/runtime/feeFloat.ts).
    const { topUpFeeFloat } = await import("../../../node/runtime/feeFloat.js");
    const float = await topUpFeeFloat(client, governor, account);
    if (float.hash) txHashes.push(float.hash);
  } else allowlisted = false;
  return { role, roleId: ROLES[role], account, allowlisted, txHashes, ...(blockNumber === undefined ? {} : { blockNumber }) };
}
