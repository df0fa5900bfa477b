import { relayIdentityAction } from "../../gateway/client/relayIdentityAction.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { authorizationJson, type RelayAuthorization } from "../../gateway/client/relayJson.js";
import type { IdentityRelayed } from "../../gateway/schemas/identityRelay.js";
import { toNonZeroAddress } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type RelayRemoveGuardianParameters = {
  citizen: Hex;
  guardian: Address;
  /** From `signRemoveGuardian` (the controller's signature). */
  authorization: RelayAuthorization;
};
export type RelayRemoveGuardianReturnType = IdentityRelayed;

/** POST /v1/identities/{citizen}/guardians/{guardian}/remove: the gateway relays a signed RemoveGuardian. */
export function relayRemoveGuardian(client: GatewayBaseClient, p: RelayRemoveGuardianParameters): Promise<RelayRemoveGuardianReturnType> {
  const guardian = toNonZeroAddress("guardian", p.guardian);
  return relayIdentityAction(client, p.citizen, `guardians/${guardian}/remove`, { authorization: authorizationJson(p.authorization) }, "guardian removal relay");
}
