import { relayIdentityAction } from "../../gateway/client/relayIdentityAction.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { authorizationJson, type RelayAuthorization } from "../../gateway/client/relayJson.js";
import type { IdentityRelayed } from "../../gateway/schemas/identityRelay.js";
import type { Hex } from "../../types.js";

export type RelayCancelRecoveryParameters = {
  citizen: Hex;
  /** From `signCancelRecovery`. */
  authorization: RelayAuthorization;
};
export type RelayCancelRecoveryReturnType = IdentityRelayed;

/** POST /v1/identities/{citizen}/recovery/cancel: the gateway relays a signed CancelRecovery. */
export function relayCancelRecovery(client: GatewayBaseClient, p: RelayCancelRecoveryParameters): Promise<RelayCancelRecoveryReturnType> {
  return relayIdentityAction(client, p.citizen, "recovery/cancel", { authorization: authorizationJson(p.authorization) }, "recovery cancel relay");
}
