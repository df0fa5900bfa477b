import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { ResponseOf } from "../../gateway/schemas/common.js";
import type { citizenConsentsSchema } from "../../gateway/schemas/records.js";

export type ConsentPaging = {
  /** At most this many consents (default 100; the gateway caps it at 1000). */
  limit?: number;
  /** The `next` of the page before. */
  cursor?: string;
};
export type GetCitizenConsentsParameters = ConsentPaging & { token?: string };
export type GetCitizenConsentsReturnType = ResponseOf<typeof citizenConsentsSchema>;

/** The paging query as the gateway takes it (decimal strings). */
export function consentPagingQuery(p: ConsentPaging): Record<string, string | undefined> {
  return { limit: p.limit === undefined ? undefined : String(p.limit), cursor: p.cursor };
}

/**
 * GET /v1/citizen/consents (citizen session): a page of the citizen's consents in grant order
 * (`next` names the page after, absent on the last) and every statutory grant that can reach them.
 */
export async function getCitizenConsents(client: GatewayBaseClient, p: GetCitizenConsentsParameters = {}): Promise<GetCitizenConsentsReturnType> {
  return (
    await callGateway<GetCitizenConsentsReturnType>(client, { method: "GET", path: "/v1/citizen/consents", query: consentPagingQuery(p), auth: "bearer", token: p.token, what: "citizen consents" })
  ).body;
}
