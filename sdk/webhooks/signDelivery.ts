// The gateway's side of a webhook delivery: the headers that sign a body for one agency.
import type { LocalAccount } from "../keys/privateKeyToAccount.js";
import { toAddress, toChainId, toNonZeroBytes32, toUint } from "../internal/validate.js";
import type { Address, Hex, Numberish } from "../types.js";
import { WEBHOOK_HEADERS, webhookBodyHash, webhookDeliveryTypedData } from "./webhookDelivery.js";

export type SignDeliveryParameters = {
  chainId: Numberish;
  agency: Address;
  delivery: Hex;
  event: string;
  /** The exact body that will be sent. */
  body: string;
  /** unix seconds; default now. */
  timestamp?: Numberish;
};
export type SignDeliveryReturnType = Record<(typeof WEBHOOK_HEADERS)[keyof typeof WEBHOOK_HEADERS], string>;

export function signDelivery(gateway: LocalAccount, p: SignDeliveryParameters): SignDeliveryReturnType {
  const chainId = toChainId("chainId", p.chainId);
  const timestamp = toUint("timestamp", p.timestamp ?? Math.floor(Date.now() / 1000), 64);
  const delivery = toNonZeroBytes32("delivery", p.delivery);
  const message = { gateway: gateway.address, agency: toAddress("agency", p.agency), delivery, event: p.event, timestamp, bodyHash: webhookBodyHash(p.body) };
  return {
    [WEBHOOK_HEADERS.delivery]: delivery,
    [WEBHOOK_HEADERS.event]: p.event,
    [WEBHOOK_HEADERS.timestamp]: timestamp.toString(),
    [WEBHOOK_HEADERS.gateway]: gateway.address,
    [WEBHOOK_HEADERS.signature]: gateway.signTypedData(webhookDeliveryTypedData(chainId, message)),
  };
}
