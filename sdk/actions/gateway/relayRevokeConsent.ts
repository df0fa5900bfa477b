import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { relayConsentChange, type RelayConsentChangeParameters } from "../../gateway/client/relayConsentChange.js";
import type { Relayed } from "../../gateway/schemas/consents.js";

export type RelayRevokeConsentParameters = RelayConsentChangeParameters;
export type RelayRevokeConsentReturnType = Relayed;

/** POST /v1/consents/{consentId}/revoke: the gateway relays a signed Revoke (from `signRevokeConsent`). */
export function relayRevokeConsent(client: GatewayBaseClient, p: RelayRevokeConsentParameters): Promise<RelayRevokeConsentReturnType> {
  return relayConsentChange(client, "revoke", p);
}
