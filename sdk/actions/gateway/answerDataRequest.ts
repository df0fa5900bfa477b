import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { DataRequestJson } from "../../gateway/schemas/webhooks.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type AnswerDataRequestParameters = { id: Hex; outcome: "done" | "refused"; note: string; token?: string };
export type AnswerDataRequestReturnType = DataRequestJson;

/** POST /v1/agency/data-requests/:id/answer (agency session): the request is done or refused, with a note the citizen reads. */
export async function answerDataRequest(client: GatewayBaseClient, p: AnswerDataRequestParameters): Promise<AnswerDataRequestReturnType> {
  const id = toNonZeroBytes32("id", p.id);
  return (await callGateway<DataRequestJson>(client, { method: "POST", path: `/v1/agency/data-requests/${id}/answer`, body: { outcome: p.outcome, note: p.note }, auth: "bearer", token: p.token, what: "answer data request" })).body;
}
