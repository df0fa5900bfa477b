import { Interface } from "ethers";
import type { Address } from "@imi-ledger/sdk";
import { connect, type NodeOptions } from "../../internal/connect.js";
import { getLogs } from "../../internal/logs.js";
import { ROLE_NAMES } from "../../internal/parse.js";
import { accessManager, managerOf } from "./grant.js";

export type RoleMember = { role: string; roleId: number; account: Address; since: number };
export type ListRolesResult = { members: RoleMember[] };

/** Who holds which role now, replayed from the AccessManager's RoleGranted / RoleRevoked events. */
export async function listRoles(options: NodeOptions & { role?: string }): Promise<ListRolesResult> {
  const node = await connect(options);
  const client = node.client();
  const manager = managerOf(node.deployment);
  const iface: Interface = accessManager;
  const granted = iface.getEvent("RoleGranted")!.topicHash;
  const revoked = iface.getEvent("RoleRevoked")!.topicHash;
  const logs = await getLogs(client, { address: manager, topics: [[granted, revoked]], fromBlock: node.deployment.fromBlock ?? 0 });
  const members = new Map<string, RoleMember>();
  for (const log of logs) {
    const parsed = iface.parseLog(log)!;
    const roleId = Number(parsed.args.roleId);
    const account = String(parsed.args.account) as Address;
    const key = `${roleId}:${account.toLowerCase()}`;
    if (parsed.name === "RoleGranted") members.set(key, { role: ROLE_NAMES[roleId] ?? `role ${roleId}`, roleId, account, since: Number(BigInt(log.blockNumber)) });
    else members.delete(key);
  }
  const wanted = options.role?.toLowerCase();
  return {
    members: [...members.values()].filter((m) => wanted === undefined || m.role === wanted).sort((a, b) => a.roleId - b.roleId || a.since - b.since),
  };
}
