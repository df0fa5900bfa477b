import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { ApplicationJson } from "../../gateway/schemas/approvals.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type ReceiveApplicationParameters = { applicant: Hex; service: string; nodes: ReadonlyArray<{ name: string; limitSeconds: number }>; token?: string };
export type ReceiveApplicationReturnType = ApplicationJson;

/** POST /v1/approvals (department officer's session): an application received, its nodes and time limits fixed; logged. */
export async function receiveApplication(client: GatewayBaseClient, p: ReceiveApplicationParameters): Promise<ReceiveApplicationReturnType> {
  const body = { applicant: toNonZeroBytes32("applicant", p.applicant), service: p.service, nodes: p.nodes.map((n) => ({ name: n.name, limitSeconds: n.limitSeconds })) };
  return (await callGateway<ApplicationJson>(client, { method: "POST", path: "/v1/approvals", body, auth: "bearer", token: p.token, what: "receive application" })).body;
}
