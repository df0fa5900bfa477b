import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Relayed } from "../schemas/consents.js";
import type { Hex } from "../../types.js";
import { callGateway } from "./callGateway.js";
import type { GatewayBaseClient } from "./GatewayBaseClient.js";
import { authorizationJson, type RelayAuthorization } from "./relayJson.js";

export type RelayConsentChangeParameters = { consentId: Hex; authorization: RelayAuthorization };

export async function relayConsentChange(client: GatewayBaseClient, action: "revoke" | "pause" | "resume" | "confirm", p: RelayConsentChangeParameters): Promise<Relayed> {
  const consentId = toNonZeroBytes32("consentId", p.consentId);
  const body = { authorization: authorizationJson(p.authorization) };
  return (await callGateway<Relayed>(client, { method: "POST", path: `/v1/consents/${consentId}/${action}`, body, what: `consent ${action} relay` })).body;
}
