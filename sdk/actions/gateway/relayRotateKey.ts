import { relayIdentityAction } from "../../gateway/client/relayIdentityAction.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { authorizationJson, type RelayAuthorization } from "../../gateway/client/relayJson.js";
import type { IdentityRelayed } from "../../gateway/schemas/identityRelay.js";
import { toNonZeroAddress } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type RelayRotateKeyParameters = {
  citizen: Hex;
  newController: Address;
  /** From `signRotateKey` (the current controller's signature). */
  authorization: RelayAuthorization;
};
export type RelayRotateKeyReturnType = IdentityRelayed;

/** POST /v1/identities/{citizen}/rotate: the gateway relays a signed RotateKey. */
export function relayRotateKey(client: GatewayBaseClient, p: RelayRotateKeyParameters): Promise<RelayRotateKeyReturnType> {
  const body = { newController: toNonZeroAddress("newController", p.newController), authorization: authorizationJson(p.authorization) };
  return relayIdentityAction(client, p.citizen, "rotate", body, "key rotation relay");
}
