import { agencyAccessAuth, type AccessTerms, type AgencyAccessAuth } from "../../gateway/client/agencyAccess.js";
import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { PredicateResult } from "../../gateway/schemas/access.js";
import type { CreditPredicateRequestJson } from "../../gateway/schemas/credit.js";
import { toBytes32, toPositiveUint } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

/** `citizen` is the subject: a citizen id or an enterprise id (`enterpriseIdOf(code)`). */
export type AskCreditPredicateParameters = AccessTerms & AgencyAccessAuth & { schemaId: Hex };
export type AskCreditPredicateReturnType = PredicateResult;

/**
 * POST /v1/credit/predicate (agency): "is this subject listed now on the red or black list
 * `schemaId`?", signed by the gateway and logged, without the entry. `scopes` is exactly the
 * "credentials" category; an enterprise is asked about under a statutory grant.
 */
export async function askCreditPredicate(client: GatewayBaseClient, p: AskCreditPredicateParameters): Promise<AskCreditPredicateReturnType> {
  const body: CreditPredicateRequestJson = {
    citizen: p.citizen,
    scopes: toPositiveUint("scopes", p.scopes, 256).toString(),
    purpose: p.purpose,
    ...(p.grantId ? { grantId: p.grantId } : {}),
    predicate: { type: "creditListed", schemaId: toBytes32("schemaId", p.schemaId) },
  };
  const text = JSON.stringify(body);
  return (await callGateway<PredicateResult>(client, { method: "POST", path: "/v1/credit/predicate", body: text, what: "credit predicate", ...agencyAccessAuth(client, p, p) })).body;
}
