import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { AuditApprovals } from "../../gateway/schemas/approvals.js";

export type GetAuditApprovalsParameters = {
  /** Only applications with a node past its time limit. */
  overdue?: boolean;
  /** Judge the limits as of this unix second (default: the gateway's now). */
  at?: number;
  limit?: number;
  token?: string;
};
export type GetAuditApprovalsReturnType = AuditApprovals;

/** GET /v1/audit/approvals (auditor session): applications with each node's timing, overdue nodes flagged, each step held against the log. */
export async function getAuditApprovals(client: GatewayBaseClient, p: GetAuditApprovalsParameters = {}): Promise<GetAuditApprovalsReturnType> {
  const query = { overdue: p.overdue === undefined ? undefined : String(p.overdue), at: p.at, limit: p.limit };
  return (await callGateway<AuditApprovals>(client, { method: "GET", path: "/v1/audit/approvals", query, auth: "bearer", token: p.token, what: "audit approvals" })).body;
}
