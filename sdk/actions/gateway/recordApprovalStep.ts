import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { ApplicationJson, ApprovalStepKindJson } from "../../gateway/schemas/approvals.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type RecordApprovalStepParameters = {
  id: Hex;
  kind: ApprovalStepKindJson;
  /** The open node the step is about (checked against the gateway's; optional). */
  node?: string;
  note?: string;
  /** For kind "inspected": when (unix ms), where, and the SHA-256 of each photograph. */
  inspection?: { inspectedAt: number; place: string; photos: readonly Hex[] };
  token?: string;
};
export type RecordApprovalStepReturnType = ApplicationJson;

/** POST /v1/approvals/:id/steps (department officer's session): the open node approved or returned, an inspection, a resubmission, completion; logged. */
export async function recordApprovalStep(client: GatewayBaseClient, p: RecordApprovalStepParameters): Promise<RecordApprovalStepReturnType> {
  const id = toNonZeroBytes32("id", p.id);
  const body = {
    kind: p.kind,
    ...(p.node !== undefined && { node: p.node }),
    ...(p.note !== undefined && { note: p.note }),
    ...(p.inspection !== undefined && { inspection: { inspectedAt: p.inspection.inspectedAt, place: p.inspection.place, photos: [...p.inspection.photos] } }),
  };
  return (await callGateway<ApplicationJson>(client, { method: "POST", path: `/v1/approvals/${id}/steps`, body, auth: "bearer", token: p.token, what: "approval step" })).body;
}
