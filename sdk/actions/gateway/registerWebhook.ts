import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { WebhookSubscription } from "../../gateway/schemas/webhooks.js";
import type { WebhookEvent } from "../../webhooks/webhookDelivery.js";

export type RegisterWebhookParameters = { url: string; events: readonly WebhookEvent[]; token?: string };
export type RegisterWebhookReturnType = WebhookSubscription;

/** POST /v1/agency/webhooks (agency session): signed deliveries of these events go to `url`. */
export async function registerWebhook(client: GatewayBaseClient, p: RegisterWebhookParameters): Promise<RegisterWebhookReturnType> {
  return (await callGateway<WebhookSubscription>(client, { method: "POST", path: "/v1/agency/webhooks", body: { url: p.url, events: [...p.events] }, auth: "bearer", token: p.token, what: "register webhook" })).body;
}
