import type { Hex } from "@imi-ledger/sdk";
import { connect, loadKey } from "../../internal/connect.js";
import { address, role as parseRole, ROLES } from "../../internal/parse.js";
import { sendCall } from "../../internal/transactions.js";
import { accessManager, hasRole, managerOf, type RoleChangeOptions, type RoleChangeResult } from "./grant.js";

/**
 * The governor takes a role away. The account stays on the allowlist only if it still holds
 * another role; `--keep-allowlisted` keeps it regardless.
 */
export async function revokeRole(options: RoleChangeOptions & { keepAllowlisted?: boolean }): Promise<RoleChangeResult> {
  const role = parseRole(options.role);
  const account = address("account", options.account);
  const node = await connect(options);
  const governor = await loadKey(options, "governor");
  const client = node.client(governor);
  const manager = managerOf(node.deployment);
  const txHashes: Hex[] = [];
  if (await hasRole(client, manager, ROLES[role], account))
    txHashes.push((await sendCall(client, governor, manager, accessManager.encodeFunctionData("revokeRole", [ROLES[role], account]) as Hex)).hash);
  let allowlisted = false;
  if (node.deployment.contracts.accountRules) {
    allowlisted = await client.accountRules.isAllowed({ address: account });
    const others = await Promise.all(Object.values(ROLES).map((id) => hasRole(client, manager, id, account)));
    if (allowlisted && !options.keepAllowlisted && !others.some(Boolean)) {
      txHashes.push((await client.accountRules.setAllowed({ accounts: [account], allowed: false })).hash);
      allowlisted = false;
    }
  }
  return { role, roleId: ROLES[role], account, allowlisted, txHashes };
}
