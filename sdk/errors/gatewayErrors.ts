// The gateway's refusals as SDK errors. Every one is a GatewayError (so `status` and `gatewayCode`
// are there) whose `code` is the gateway's own stable code (NO_CONSENT, NONCE_REUSED, INDEX_BEHIND,
// ...), and whose class says what kind of refusal it is. Match on `code` or the class, never on text.
import { GatewayError } from "./errors.js";
import type { ImiErrorOptions } from "./ImiError.js";
import type { AccessReceipt } from "../gateway/schemas/common.js";

type Options = ImiErrorOptions & { code: string; gatewayMessage?: string };

/** 400, 404, 409, 413, 415, 422: the request was refused as it stands (or names nothing there); sending it again will not help. */
export class GatewayRefusedError extends GatewayError {
  override name = "GatewayRefusedError";
}

/** 401: no session, an expired one, or a signature that does not verify. Log in again. */
export class GatewayUnauthorizedError extends GatewayError {
  override name = "GatewayUnauthorizedError";
}

/**
 * 403 (no consent, a missing role, not the controller), or 404 on an access logged as denied: the
 * gateway said no. When the refusal was logged as an access record, `receipt` names it (the citizen
 * sees it too).
 */
export class GatewayAccessDeniedError extends GatewayError {
  override name = "GatewayAccessDeniedError";
  readonly receipt: AccessReceipt | undefined;
  constructor(status: number, shortMessage: string, options: Options & { receipt?: AccessReceipt }) {
    super(status, shortMessage, options);
    this.receipt = options.receipt;
  }
}

/** 429: too many requests for this caller; wait and send fewer. */
export class GatewayRateLimitedError extends GatewayError {
  override name = "GatewayRateLimitedError";
}

/**
 * 5xx: a service behind the gateway is unavailable and nothing was answered (the gateway fails
 * closed). INDEX_BEHIND is retried by the client itself; the others are for the caller to retry.
 */
export class GatewayUnavailableError extends GatewayError {
  override name = "GatewayUnavailableError";
}

/** The one normalisation of a gateway error answer ({ code, message, receipt? }) into an SDK error. */
export function gatewayErrorOf(status: number, body: unknown, what: string): GatewayError {
  const b = (typeof body === "object" && body !== null ? body : {}) as { code?: unknown; message?: unknown; receipt?: unknown };
  const code = typeof b.code === "string" && /^[A-Z][A-Z0-9_]{0,63}$/.test(b.code) ? b.code : `HTTP_${status}`;
  const gatewayMessage = typeof b.message === "string" ? b.message.slice(0, 300) : undefined;
  const shortMessage = `${what} refused: ${code} (${status}).${gatewayMessage ? ` ${gatewayMessage}` : ""}`;
  const options: Options = { code, details: code, gatewayMessage };
  if (status === 401) return new GatewayUnauthorizedError(status, shortMessage, options);
  const receipt = typeof b.receipt === "object" && b.receipt !== null ? (b.receipt as AccessReceipt) : undefined;
  // 404 is a denial only when it was logged as one (NO_RECORD on an access); else "no such thing".
  if (status === 403 || (status === 404 && receipt)) return new GatewayAccessDeniedError(status, shortMessage, { ...options, receipt });
  if (status === 429) return new GatewayRateLimitedError(status, shortMessage, options);
  if (status >= 500) return new GatewayUnavailableError(status, shortMessage, options);
  return new GatewayRefusedError(status, shortMessage, options);
}
