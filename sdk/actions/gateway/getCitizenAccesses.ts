import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { AccessPage } from "../../gateway/schemas/records.js";
import type { Numberish } from "../../types.js";

export type AccessPaging = {
  /** Only records after this sequence number (the last `seq` of the page before). */
  afterSeq?: Numberish;
  /** At most this many records (default 100; the gateway caps it at 1000). */
  limit?: number;
  token?: string;
};
export type GetCitizenAccessesParameters = AccessPaging;
export type GetCitizenAccessesReturnType = AccessPage & {
  /** Pass as `afterSeq` for the next page; undefined when this page was empty. */
  nextAfterSeq: number | undefined;
};

/** The paging query as the gateway takes it: decimal strings (it coerces nothing). */
export function pagingQuery(p: AccessPaging): Record<string, string | undefined> {
  return { afterSeq: p.afterSeq === undefined ? undefined : BigInt(p.afterSeq).toString(), limit: p.limit === undefined ? undefined : String(p.limit) };
}

/**
 * GET /v1/citizen/accesses (citizen session): every access to the citizen's own data, allowed or
 * denied, oldest first, with each record's anchoring status. Statutory accesses held back for a
 * disclosure delay appear once it is over.
 */
export async function getCitizenAccesses(client: GatewayBaseClient, p: GetCitizenAccessesParameters = {}): Promise<GetCitizenAccessesReturnType> {
  const { body } = await callGateway<AccessPage>(client, {
    method: "GET",
    path: "/v1/citizen/accesses",
    query: pagingQuery(p),
    auth: "bearer",
    token: p.token,
    what: "citizen accesses",
  });
  return { ...body, nextAfterSeq: body.records.at(-1)?.seq };
}
