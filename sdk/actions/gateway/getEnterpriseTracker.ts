import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { EnterpriseTracker } from "../../gateway/schemas/enterprises.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";
import { pagingQuery, type AccessPaging } from "./getCitizenAccesses.js";

export type GetEnterpriseTrackerParameters = AccessPaging & { enterprise: Hex };
export type GetEnterpriseTrackerReturnType = EnterpriseTracker & {
  /** Pass as `afterSeq` for the next page of accesses; undefined when this page had none. */
  nextAfterSeq: number | undefined;
};

/**
 * GET /v1/enterprises/{enterprise}/tracker (citizen session of the legal representative or of staff
 * holding the tracker scope): every access to the enterprise's records, its consents, its credit
 * entries and repair applications.
 */
export async function getEnterpriseTracker(client: GatewayBaseClient, p: GetEnterpriseTrackerParameters): Promise<GetEnterpriseTrackerReturnType> {
  const enterprise = toNonZeroBytes32("enterprise", p.enterprise);
  const { body } = await callGateway<EnterpriseTracker>(client, { method: "GET", path: `/v1/enterprises/${enterprise}/tracker`, query: pagingQuery(p), auth: "bearer", token: p.token, what: "enterprise tracker" });
  return { ...body, nextAfterSeq: body.accesses.at(-1)?.seq };
}
