import { agencyAccessAuth, type AccessTerms, type AgencyAccessAuth } from "../../gateway/client/agencyAccess.js";
import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { DataAnswer, DataRequestJson } from "../../gateway/schemas/access.js";
import { toPositiveUint } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type ReadCitizenDataParameters = AccessTerms &
  AgencyAccessAuth & {
    /** The agency's public key: the answer comes encrypted to it instead of in clear. */
    encryptTo?: Hex;
  };
export type ReadCitizenDataReturnType = DataAnswer;

/**
 * POST /v1/access/data (agency): the categories in `scopes` of a citizen's record, under a consent
 * or statutory grant, with the receipt of the logged access. A refusal throws
 * GatewayAccessDeniedError whose `code` is the reason (NO_CONSENT, CONSENT_PAUSED, ...) and whose
 * `receipt` names the logged refusal.
 */
export async function readCitizenData(client: GatewayBaseClient, p: ReadCitizenDataParameters): Promise<ReadCitizenDataReturnType> {
  const body: DataRequestJson = {
    citizen: p.citizen,
    scopes: toPositiveUint("scopes", p.scopes, 256).toString(),
    purpose: p.purpose,
    ...(p.grantId ? { grantId: p.grantId } : {}),
    ...(p.encryptTo ? { encryptTo: p.encryptTo } : {}),
  };
  const text = JSON.stringify(body);
  return (await callGateway<DataAnswer>(client, { method: "POST", path: "/v1/access/data", body: text, what: "data access", ...agencyAccessAuth(client, p, p) })).body;
}
