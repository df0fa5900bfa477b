import type { AuditApprovals } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { gatewayJson, staffLogin } from "../../internal/gateway.js";
import { integer, time } from "../../internal/parse.js";

export type ApprovalsListOptions = NodeOptions & KeyOptions & { overdue?: boolean; at?: string; limit?: string };
export type ApprovalsListResult = AuditApprovals & { overdueCount: number; unverifiedCount: number };

/**
 * An auditor's view of one-door supervision: every application with its nodes' timing, the nodes past
 * their time limit flagged (as of --at, default now), and each step held against the access log.
 */
export async function listApprovals(options: ApprovalsListOptions): Promise<ApprovalsListResult> {
  const query = new URLSearchParams();
  if (options.overdue) query.set("overdue", "true");
  if (options.at !== undefined) query.set("at", String(Math.floor(time("--at", options.at) / 1000)));
  query.set("limit", String(options.limit === undefined ? 1000 : integer("--limit", options.limit, 1, 1000)));
  const node = await connect(options);
  const gateway = node.requireGateway();
  const token = await staffLogin(gateway, node.deployment.chainId, await loadKey(options));
  const view = await gatewayJson<AuditApprovals>(gateway, `/v1/audit/approvals?${query}`, { token });
  return {
    ...view,
    overdueCount: view.applications.filter((a) => a.overdueNodes.length > 0).length,
    unverifiedCount: view.applications.filter((a) => !a.verified).length,
  };
}
