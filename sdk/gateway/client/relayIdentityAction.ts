import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { IdentityRelayed } from "../schemas/identityRelay.js";
import type { Hex } from "../../types.js";
import { callGateway } from "./callGateway.js";
import type { GatewayBaseClient } from "./GatewayBaseClient.js";

/** POST /v1/identities/{citizen}/<tail> with a JSON body; answered once the change is in a block and the index. */
export async function relayIdentityAction(client: GatewayBaseClient, citizen: Hex, tail: string, body: unknown, what: string): Promise<IdentityRelayed> {
  const id = toNonZeroBytes32("citizen", citizen);
  return (await callGateway<IdentityRelayed>(client, { method: "POST", path: `/v1/identities/${id}/${tail}`, body, what })).body;
}
