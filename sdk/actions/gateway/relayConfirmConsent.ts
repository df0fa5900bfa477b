import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { relayConsentChange, type RelayConsentChangeParameters } from "../../gateway/client/relayConsentChange.js";
import type { Relayed } from "../../gateway/schemas/consents.js";

export type RelayConfirmConsentParameters = RelayConsentChangeParameters;
export type RelayConfirmConsentReturnType = Relayed;

/** POST /v1/consents/{consentId}/confirm: the gateway relays a signed Confirm (from `signConfirmConsent`): the citizen keeps a guardian's grant standing after the guardianship ends. */
export function relayConfirmConsent(client: GatewayBaseClient, p: RelayConfirmConsentParameters): Promise<RelayConfirmConsentReturnType> {
  return relayConsentChange(client, "confirm", p);
}
