import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { ResponseOf } from "../../gateway/schemas/common.js";
import type { agencyConsentsSchema } from "../../gateway/schemas/records.js";
import { consentPagingQuery, type ConsentPaging } from "./getCitizenConsents.js";

export type GetAgencyConsentsParameters = ConsentPaging & { token?: string };
export type GetAgencyConsentsReturnType = ResponseOf<typeof agencyConsentsSchema>;

/** GET /v1/agency/consents (agency session): a page of the consents granted to the calling agency, in grant order, with their current status (`next`: the page after). */
export async function getAgencyConsents(client: GatewayBaseClient, p: GetAgencyConsentsParameters = {}): Promise<GetAgencyConsentsReturnType> {
  return (await callGateway<GetAgencyConsentsReturnType>(client, { method: "GET", path: "/v1/agency/consents", query: consentPagingQuery(p), auth: "bearer", token: p.token, what: "agency consents" })).body;
}
