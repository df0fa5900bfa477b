import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { ResponseOf } from "../../gateway/schemas/common.js";
import type { citizenConsentsSchema } from "../../gateway/schemas/records.js";

export type GetCitizenConsentsParameters = { token?: string };
export type GetCitizenConsentsReturnType = ResponseOf<typeof citizenConsentsSchema>;

/** GET /v1/citizen/consents (citizen session): the citizen's consents and the statutory grants that can reach them. */
export async function getCitizenConsents(client: GatewayBaseClient, p: GetCitizenConsentsParameters = {}): Promise<GetCitizenConsentsReturnType> {
  return (
    await callGateway<GetCitizenConsentsReturnType>(client, { method: "GET", path: "/v1/citizen/consents", auth: "bearer", token: p.token, what: "citizen consents" })
  ).body;
}
