import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { StatutoryReviewJson } from "../../gateway/schemas/staffDesk.js";

export type GetStatutoryGrantsParameters = { token?: string };
export type GetStatutoryGrantsReturnType = { grants: StatutoryReviewJson[] };

/** GET /v1/audit/statutory (auditor session): every statutory grant, those waiting for review first. */
export async function getStatutoryGrants(client: GatewayBaseClient, p: GetStatutoryGrantsParameters = {}): Promise<GetStatutoryGrantsReturnType> {
  return (await callGateway<GetStatutoryGrantsReturnType>(client, { method: "GET", path: "/v1/audit/statutory", auth: "bearer", token: p.token, what: "statutory grants" })).body;
}
