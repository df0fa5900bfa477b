import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { WebhookSubscription } from "../../gateway/schemas/webhooks.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type RemoveWebhookParameters = { id: Hex; token?: string };
export type RemoveWebhookReturnType = WebhookSubscription;

/** POST /v1/agency/webhooks/:id/remove (agency session): no new deliveries for this endpoint. */
export async function removeWebhook(client: GatewayBaseClient, p: RemoveWebhookParameters): Promise<RemoveWebhookReturnType> {
  const id = toNonZeroBytes32("id", p.id);
  return (await callGateway<WebhookSubscription>(client, { method: "POST", path: `/v1/agency/webhooks/${id}/remove`, auth: "bearer", token: p.token, what: "remove webhook" })).body;
}
