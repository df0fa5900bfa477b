import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { ResponseOf } from "../../gateway/schemas/common.js";
import type { agencyConsentsSchema } from "../../gateway/schemas/records.js";

export type GetAgencyConsentsParameters = { token?: string };
export type GetAgencyConsentsReturnType = ResponseOf<typeof agencyConsentsSchema>;

/** GET /v1/agency/consents (agency session): the consents granted to the calling agency, with their current status. */
export async function getAgencyConsents(client: GatewayBaseClient, p: GetAgencyConsentsParameters = {}): Promise<GetAgencyConsentsReturnType> {
  return (await callGateway<GetAgencyConsentsReturnType>(client, { method: "GET", path: "/v1/agency/consents", auth: "bearer", token: p.token, what: "agency consents" })).body;
}
