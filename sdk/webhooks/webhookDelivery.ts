// What a gateway's webhook delivery is: the events an agency can subscribe to, the headers a
// delivery carries and the EIP-712 message the gateway signs over it. Pure; shared by the gateway
// that signs (signDelivery) and the agency that checks (verifyDelivery).
import { keccak256, toUtf8Bytes } from "ethers";
import { GATEWAY_DOMAIN_NAME, chainDomain } from "../typedData/domains.js";
import type { TypedDataDefinition } from "../typedData/hashTypedData.js";
import { toChainId } from "../internal/validate.js";
import type { Address, Hex, Numberish } from "../types.js";

/**
 * Events an agency can subscribe to. Consent events concern the agency's own consents; `life-event`
 * is a life-event credential (marriage, birth …) anchored for a citizen who holds an active consent
 * with the agency; `data-request` is a citizen's deletion or correction request to the agency.
 */
export const WEBHOOK_EVENTS = ["consent.granted", "consent.paused", "consent.resumed", "consent.revoked", "consent.expired", "life-event", "data-request"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Events whose delivery asks the agency to act and acknowledge (delete cached data, answer a request). */
export const WEBHOOK_ACK_EVENTS: readonly WebhookEvent[] = ["consent.revoked", "consent.expired"];

/** Header names of a delivery (lower case, as Node and fetch report them). */
export const WEBHOOK_HEADERS = {
  delivery: "x-imi-delivery",
  event: "x-imi-event",
  timestamp: "x-imi-timestamp",
  gateway: "x-imi-gateway",
  signature: "x-imi-signature",
} as const;

/**
 * The gateway signs who sent it (`gateway`), to whom (`agency`), which delivery, which event, when
 * (`timestamp`, unix seconds: a receiver refuses old ones, so a captured delivery cannot be replayed
 * later) and the body's keccak256 — the exact bytes received, before any JSON parsing.
 */
export const webhookDeliveryTypes = {
  WebhookDelivery: [
    { name: "gateway", type: "address" },
    { name: "agency", type: "address" },
    { name: "delivery", type: "bytes32" },
    { name: "event", type: "string" },
    { name: "timestamp", type: "uint64" },
    { name: "bodyHash", type: "bytes32" },
  ],
} as const;

export type WebhookDeliveryMessage = { gateway: Address; agency: Address; delivery: Hex; event: string; timestamp: bigint; bodyHash: Hex };

export function webhookDeliveryTypedData(chainId: Numberish, message: WebhookDeliveryMessage): TypedDataDefinition<"WebhookDelivery"> {
  return { domain: chainDomain(GATEWAY_DOMAIN_NAME, toChainId("chainId", chainId)), types: webhookDeliveryTypes, primaryType: "WebhookDelivery", message };
}

/** keccak256 of the body's UTF-8 bytes. */
export function webhookBodyHash(body: string | Uint8Array): Hex {
  return keccak256(typeof body === "string" ? toUtf8Bytes(body) : body) as Hex;
}

/** The JSON body of every delivery. `data` depends on the event (docs/webhooks.md). */
export type WebhookPayload = {
  id: Hex;
  event: WebhookEvent;
  agency: Address;
  /** unix ms when the event was put in the outbox. */
  createdAt: number;
  /** True when the gateway waits for the agency's acknowledgement (POST /v1/agency/webhooks/deliveries/:id/ack). */
  ackRequested: boolean;
  data: Record<string, unknown>;
};
