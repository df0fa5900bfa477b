import { agencyAccessAuth, type AccessTerms, type AgencyAccessAuth } from "../../gateway/client/agencyAccess.js";
import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { PredicateJson, PredicateRequestJson, PredicateResult } from "../../gateway/schemas/access.js";
import { toPositiveUint } from "../../internal/validate.js";

export type AskPredicateParameters = AccessTerms & AgencyAccessAuth & { predicate: PredicateJson };
export type AskPredicateReturnType = PredicateResult;

/**
 * POST /v1/access/predicate (agency): a yes/no about a citizen (age at least, resident of, holds a
 * valid credential) signed by the gateway, without the data. `scopes` must be exactly the category
 * the predicate reads. Check the signed answer with `verifyPredicateAnswer`.
 */
export async function askPredicate(client: GatewayBaseClient, p: AskPredicateParameters): Promise<AskPredicateReturnType> {
  const body: PredicateRequestJson = {
    citizen: p.citizen,
    scopes: toPositiveUint("scopes", p.scopes, 256).toString(),
    purpose: p.purpose,
    ...(p.grantId ? { grantId: p.grantId } : {}),
    predicate: p.predicate,
  };
  const text = JSON.stringify(body);
  return (await callGateway<PredicateResult>(client, { method: "POST", path: "/v1/access/predicate", body: text, what: "predicate", ...agencyAccessAuth(client, p, p) })).body;
}
