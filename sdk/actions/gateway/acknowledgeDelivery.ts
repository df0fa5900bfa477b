import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { WebhookDeliveryJson } from "../../gateway/schemas/webhooks.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type AcknowledgeDeliveryParameters = { id: Hex; token?: string };
export type AcknowledgeDeliveryReturnType = WebhookDeliveryJson;

/** POST /v1/agency/webhooks/deliveries/:id/ack (agency session): done as asked (a revocation: cached data deleted); the citizen sees it. */
export async function acknowledgeDelivery(client: GatewayBaseClient, p: AcknowledgeDeliveryParameters): Promise<AcknowledgeDeliveryReturnType> {
  const id = toNonZeroBytes32("id", p.id);
  return (await callGateway<WebhookDeliveryJson>(client, { method: "POST", path: `/v1/agency/webhooks/deliveries/${id}/ack`, auth: "bearer", token: p.token, what: "acknowledge delivery" })).body;
}
