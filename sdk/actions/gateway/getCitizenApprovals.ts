import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { CitizenApprovals } from "../../gateway/schemas/approvals.js";

export type GetCitizenApprovalsParameters = { token?: string };
export type GetCitizenApprovalsReturnType = CitizenApprovals;

/** GET /v1/citizen/approvals (citizen session): the citizen's applications and every step of their approval. */
export async function getCitizenApprovals(client: GatewayBaseClient, p: GetCitizenApprovalsParameters = {}): Promise<GetCitizenApprovalsReturnType> {
  return (await callGateway<CitizenApprovals>(client, { method: "GET", path: "/v1/citizen/approvals", auth: "bearer", token: p.token, what: "citizen approvals" })).body;
}
