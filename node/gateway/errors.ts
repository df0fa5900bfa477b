import { NodeError } from "../NodeError.js";

/**
 * A refusal the gateway answers with: a stable `code` clients match on and the HTTP status it maps to.
 * 5xx bodies carry only the code and a generic message; details go to the log.
 */
export class GatewayError extends NodeError {
  readonly statusCode: number;

  constructor(code: string, statusCode: number, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(code, message, options);
    this.statusCode = statusCode;
  }
}

/** NodeError codes from the layers below and the status the gateway answers them with (fail closed: 503). */
export const UNAVAILABLE_CODES: Record<string, string> = {
  CHAIN_UNREACHABLE: "CHAIN_UNAVAILABLE",
  INDEX_STORAGE: "INDEX_UNAVAILABLE",
  INDEX_CLOSED: "INDEX_UNAVAILABLE",
  VAULT_UNAVAILABLE: "VAULT_UNAVAILABLE",
  VAULT_CORRUPT: "VAULT_UNAVAILABLE",
  ACCESSLOG_WRITE_FAILED: "ACCESS_LOG_UNAVAILABLE",
  ACCESSLOG_CLOSED: "ACCESS_LOG_UNAVAILABLE",
  ACCESSLOG_UNAVAILABLE: "ACCESS_LOG_UNAVAILABLE",
  NONCE_STORE_UNAVAILABLE: "NONCE_STORE_UNAVAILABLE",
};

export const unauthorized = (code: string, message: string) => new GatewayError(code, 401, message);
export const forbidden = (code: string, message: string) => new GatewayError(code, 403, message);
export const badRequest = (code: string, message: string) => new GatewayError(code, 400, message);
export const unavailable = (code: string, message: string, cause?: unknown) => new GatewayError(code, 503, message, { cause });
