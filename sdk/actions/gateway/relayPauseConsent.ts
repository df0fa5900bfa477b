import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { relayConsentChange, type RelayConsentChangeParameters } from "../../gateway/client/relayConsentChange.js";
import type { Relayed } from "../../gateway/schemas/consents.js";

export type RelayPauseConsentParameters = RelayConsentChangeParameters;
export type RelayPauseConsentReturnType = Relayed;

/** POST /v1/consents/{consentId}/pause: the gateway relays a signed Pause (from `signPauseConsent`). */
export function relayPauseConsent(client: GatewayBaseClient, p: RelayPauseConsentParameters): Promise<RelayPauseConsentReturnType> {
  return relayConsentChange(client, "pause", p);
}
