// The agency's side of a webhook delivery: is this body from my gateway, for me, and recent?
// Offline and pure: the agency knows its gateway's account (GET /v1/deployment says it) and chain id.
import { toAddress, toChainId } from "../internal/validate.js";
import { recoverTypedDataSigner } from "../typedData/verifyTypedData.js";
import type { Address, Hex, Numberish } from "../types.js";
import { WEBHOOK_HEADERS, webhookBodyHash, webhookDeliveryTypedData, type WebhookPayload } from "./webhookDelivery.js";

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

export type VerifyDeliveryParameters = {
  chainId: Numberish;
  /** The gateway's account: deliveries signed by any other key are refused. */
  gateway: Address;
  /** The agency's own account: a delivery addressed to another agency is refused. */
  agency: Address;
  /** The request's headers (Node's IncomingHttpHeaders or a fetch Headers). */
  headers: HeaderBag;
  /** The raw body exactly as received (before JSON parsing). */
  body: string | Uint8Array;
  /** unix seconds; default now. */
  now?: number;
  /** How old (or how far ahead) a delivery may be, seconds. Default 300. */
  toleranceSeconds?: number;
};

export type VerifyDeliveryReturnType =
  | { valid: true; delivery: Hex; event: string; timestamp: number; payload: WebhookPayload }
  | { valid: false; reason: "missingHeader" | "malformed" | "badSignature" | "wrongGateway" | "wrongAgency" | "stale" };

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const v = bag[name] ?? Object.entries(bag).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Checks a webhook delivery: signed by `gateway` over this exact body, addressed to `agency`, within
 * `toleranceSeconds` of now, and the body's own id, event and agency agree with the signed ones.
 * Deliveries are at least once: keep the delivery ids you processed and skip a repeat.
 */
export function verifyDelivery(p: VerifyDeliveryParameters): VerifyDeliveryReturnType {
  const get = (k: keyof typeof WEBHOOK_HEADERS) => header(p.headers, WEBHOOK_HEADERS[k]);
  const delivery = get("delivery");
  const event = get("event");
  const timestamp = get("timestamp");
  const signature = get("signature");
  const signedBy = get("gateway");
  if (!delivery || !event || !timestamp || !signature || !signedBy) return { valid: false, reason: "missingHeader" };
  let gateway: Address;
  let agency: Address;
  let signer: Address;
  let payload: WebhookPayload;
  try {
    gateway = toAddress("gateway", p.gateway);
    agency = toAddress("agency", p.agency);
    if (!/^\d{1,15}$/.test(timestamp) || !/^0x[0-9a-fA-F]{64}$/.test(delivery)) return { valid: false, reason: "malformed" };
    const message = { gateway: toAddress("x-imi-gateway", signedBy), agency, delivery: delivery.toLowerCase() as Hex, event, timestamp: BigInt(timestamp), bodyHash: webhookBodyHash(p.body) };
    signer = recoverTypedDataSigner(webhookDeliveryTypedData(toChainId("chainId", p.chainId), message), signature as Hex);
    if (signer !== message.gateway) return { valid: false, reason: "badSignature" };
    payload = JSON.parse(typeof p.body === "string" ? p.body : new TextDecoder().decode(p.body)) as WebhookPayload;
  } catch {
    return { valid: false, reason: "malformed" };
  }
  // The signature holds for the agency named in the message, which is `agency`: a delivery meant for
  // another agency recovers another address and fails above; the body must say the same.
  if (signer !== gateway) return { valid: false, reason: "wrongGateway" };
  if (payload === null || typeof payload !== "object" || String(payload.agency).toLowerCase() !== agency.toLowerCase()) return { valid: false, reason: "wrongAgency" };
  if (String(payload.id).toLowerCase() !== delivery.toLowerCase() || payload.event !== event) return { valid: false, reason: "malformed" };
  const now = p.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (p.toleranceSeconds ?? 300)) return { valid: false, reason: "stale" };
  return { valid: true, delivery: delivery.toLowerCase() as Hex, event, timestamp: Number(timestamp), payload };
}
