import { Interface } from "ethers";
import { imiAccessManagerAbi } from "@imi-ledger/sdk";
import type { ImiClient } from "@imi-ledger/sdk";
import type { Address, Hex } from "@imi-ledger/sdk";
import { CliError, EXIT } from "../../CliError.js";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { address, role as parseRole, ROLES, type RoleName } from "../../internal/parse.js";
import { sendCall } from "../../internal/transactions.js";

export const accessManager = new Interface(imiAccessManagerAbi as never);

export type RoleChangeOptions = NodeOptions & KeyOptions & { role: string; account: string };
export type RoleChangeResult = { role: RoleName; roleId: number; account: Address; allowlisted: boolean; txHashes: Hex[] };

export function managerOf(deployment: { contracts: { accessManager?: string } }): string {
  const manager = deployment.contracts.accessManager;
  if (!manager) throw new CliError("DEPLOYMENT_INCOMPLETE", "the deployment names no AccessManager; roles cannot be managed", { exitCode: EXIT.config });
  return manager;
}

export async function hasRole(client: ImiClient, manager: string, roleId: number, account: string): Promise<boolean> {
  const raw = await client.request<string>("eth_call", [{ to: manager, data: accessManager.encodeFunctionData("hasRole", [roleId, account]) }, "latest"]);
  return Boolean(accessManager.decodeFunctionResult("hasRole", raw)[0]);
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
  const manager = managerOf(node.deployment);
  const txHashes: Hex[] = [];
  const isMember = await hasRole(client, manager, ROLES[role], account);
  if (!isMember) txHashes.push((await sendCall(client, governor, manager, accessManager.encodeFunctionData("grantRole", [ROLES[role], account, 0]) as Hex)).hash);
  let allowlisted = true;
  if (node.deployment.contracts.accountRules) {
    if (!(await client.accountRules.isAllowed({ address: account }))) txHashes.push((await client.accountRules.setAllowed({ accounts: [account], allowed: true })).hash);
  } else allowlisted = false;
  return { role, roleId: ROLES[role], account, allowlisted, txHashes };
}
