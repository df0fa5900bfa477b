import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { authorizationJson, grantRequestJson, type RelayAuthorization } from "../../gateway/client/relayJson.js";
import type { Relayed } from "../../gateway/schemas/consents.js";
import type { GrantRequest } from "../../typedData/consentTypedData.js";

export type RelayGrantConsentParameters = {
  /** What was signed (bigints, numbers or decimal strings). */
  request: GrantRequest;
  /** From `signGrantConsent` (the citizen's or a guardian's signature). */
  authorization: RelayAuthorization;
};
export type RelayGrantConsentReturnType = Relayed;

/** POST /v1/consents: the gateway relays a signed Grant and answers once the index has it. */
export async function relayGrantConsent(client: GatewayBaseClient, p: RelayGrantConsentParameters): Promise<RelayGrantConsentReturnType> {
  const body = { request: grantRequestJson(p.request), authorization: authorizationJson(p.authorization) };
  return (await callGateway<Relayed>(client, { method: "POST", path: "/v1/consents", body, what: "consent grant relay" })).body;
}
