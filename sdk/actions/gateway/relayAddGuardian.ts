import { relayIdentityAction } from "../../gateway/client/relayIdentityAction.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { authorizationJson, type RelayAuthorization } from "../../gateway/client/relayJson.js";
import type { IdentityRelayed } from "../../gateway/schemas/identityRelay.js";
import { toNonZeroAddress, toPositiveUint, toUint } from "../../internal/validate.js";
import type { Address, Hex, Numberish } from "../../types.js";

export type RelayAddGuardianParameters = {
  citizen: Hex;
  guardian: Address;
  scopes: Numberish;
  expiresAt: Numberish;
  /** From `signAddGuardian` (the controller's signature). */
  authorization: RelayAuthorization;
};
export type RelayAddGuardianReturnType = IdentityRelayed;

/** POST /v1/identities/{citizen}/guardians: the gateway relays a signed AddGuardian. */
export function relayAddGuardian(client: GatewayBaseClient, p: RelayAddGuardianParameters): Promise<RelayAddGuardianReturnType> {
  const body = {
    guardian: toNonZeroAddress("guardian", p.guardian),
    scopes: toPositiveUint("scopes", p.scopes, 256).toString(),
    expiresAt: toUint("expiresAt", p.expiresAt, 64).toString(),
    authorization: authorizationJson(p.authorization),
  };
  return relayIdentityAction(client, p.citizen, "guardians", body, "guardian relay");
}
