import type { Hex } from "@imi-ledger/sdk";
import { connect, loadKey } from "../../internal/connect.js";
import { address, role as parseRole, ROLES } from "../../internal/parse.js";
import { managerOf, type RoleChangeOptions, type RoleChangeResult } from "./grant.js";

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
  managerOf(node.deployment);
  const txHashes: Hex[] = [];
  let blockNumber: number | undefined;
  if ((await client.roles.has({ role, member: account })).isMember) {
    const revoked = await client.roles.revoke({ role, member: account });
    txHashes.push(revoked.hash);
    blockNumber = revoked.blockNumber;
  }
  let allowlisted = false;
  if (node.deployment.contracts.accountRules) {
    allowlisted = await client.accountRules.isAllowed({ address: account });
    const others = await Promise.all(Object.values(ROLES).map(async (id) => (await client.roles.has({ role: id, member: account })).isMember));
    if (allowlisted && !options.keepAllowlisted && !others.some(Boolean)) {
      txHashes.push((await client.accountRules.setAllowed({ accounts: [account], allowed: false })).hash);
      allowlisted = false;
    }
  }
  return { role, roleId: ROLES[role], account, allowlisted, txHashes, ...(blockNumber === undefined ? {} : { blockNumber }) };
}
