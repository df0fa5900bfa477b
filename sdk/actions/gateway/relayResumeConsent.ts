import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { relayConsentChange, type RelayConsentChangeParameters } from "../../gateway/client/relayConsentChange.js";
import type { Relayed } from "../../gateway/schemas/consents.js";

export type RelayResumeConsentParameters = RelayConsentChangeParameters;
export type RelayResumeConsentReturnType = Relayed;

/** POST /v1/consents/{consentId}/resume: the gateway relays a signed Resume (from `signResumeConsent`). */
export function relayResumeConsent(client: GatewayBaseClient, p: RelayResumeConsentParameters): Promise<RelayResumeConsentReturnType> {
  return relayConsentChange(client, "resume", p);
}
