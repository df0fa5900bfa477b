import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { AccessPage } from "../../gateway/schemas/records.js";
import type { Address, Hex } from "../../types.js";
import { pagingQuery, type AccessPaging } from "./getCitizenAccesses.js";

export type GetAuditAccessesParameters = AccessPaging & {
  citizen?: Hex;
  agency?: Address;
  purpose?: Hex;
  /** Unix milliseconds, inclusive. */
  fromTime?: number;
  toTime?: number;
};
export type GetAuditAccessesReturnType = AccessPage & { nextAfterSeq: number | undefined };

/** GET /v1/audit/accesses (auditor session): accesses by citizen, agency, purpose and time, a page at a time. */
export async function getAuditAccesses(client: GatewayBaseClient, p: GetAuditAccessesParameters = {}): Promise<GetAuditAccessesReturnType> {
  const { body } = await callGateway<AccessPage>(client, {
    method: "GET",
    path: "/v1/audit/accesses",
    query: {
      ...pagingQuery(p),
      citizen: p.citizen,
      agency: p.agency,
      purpose: p.purpose,
      fromTime: p.fromTime === undefined ? undefined : String(p.fromTime),
      toTime: p.toTime === undefined ? undefined : String(p.toTime),
    },
    auth: "bearer",
    token: p.token,
    what: "audit trace",
  });
  return { ...body, nextAfterSeq: body.records.at(-1)?.seq };
}
