// The SDK's non-contract errors. Each has a stable `code`.
import { ImiError, type ImiErrorOptions } from "./ImiError.js";

/** Bad input caught before anything is signed or sent. `field` names the parameter. */
export class InvalidInputError extends ImiError {
  override name = "InvalidInputError";
  readonly field: string;
  constructor(code: string, field: string, shortMessage: string, options?: ImiErrorOptions) {
    super(code, shortMessage, options);
    this.field = field;
  }
}

/** code INVALID_ADDRESS: not a 20-byte hex address (or a bad checksum). */
export class InvalidAddressError extends InvalidInputError {
  override name = "InvalidAddressError";
  constructor(field: string, value: unknown) {
    super("INVALID_ADDRESS", field, `${field} is not a valid address: ${String(value)}.`);
  }
}

/** code INVALID_HASH: not 32 bytes of hex (or zero where zero is meaningless). */
export class InvalidHashError extends InvalidInputError {
  override name = "InvalidHashError";
  constructor(field: string, value: unknown, why = "must be 32 bytes of 0x-prefixed hex") {
    super("INVALID_HASH", field, `${field} ${why}: ${String(value)}.`);
  }
}

/** code INVALID_NUMBER: out of range for its Solidity type, or not an integer. */
export class InvalidNumberError extends InvalidInputError {
  override name = "InvalidNumberError";
  constructor(field: string, value: unknown, why: string) {
    super("INVALID_NUMBER", field, `${field} ${why}: ${String(value)}.`);
  }
}

/** code INVALID_SIGNATURE: malformed, high-s, or not by the expected signer. */
export class InvalidSignatureError extends InvalidInputError {
  override name = "InvalidSignatureError";
  constructor(field: string, why: string) {
    super("INVALID_SIGNATURE", field, `${field}: ${why}.`);
  }
}

/** code INVALID_KEY: not a valid secp256k1 private key. */
export class InvalidKeyError extends InvalidInputError {
  override name = "InvalidKeyError";
  constructor(why: string, options?: ImiErrorOptions) {
    super("INVALID_KEY", "privateKey", `Invalid private key: ${why}.`, options);
  }
}

/** code INVALID_DEPLOYMENT: the deployment manifest is missing, unreadable or incomplete. */
export class InvalidDeploymentError extends InvalidInputError {
  override name = "InvalidDeploymentError";
  constructor(why: string, options?: ImiErrorOptions) {
    super("INVALID_DEPLOYMENT", "deployment", `Invalid deployment: ${why}.`, options);
  }
}

/** code CHAIN_MISMATCH: a chain id (in a domain, a deployment or the RPC) is not the expected one. */
export class ChainMismatchError extends InvalidInputError {
  override name = "ChainMismatchError";
  readonly expected: number;
  readonly actual: number;
  constructor(field: string, expected: number, actual: number) {
    super("CHAIN_MISMATCH", field, `${field} is chain ${actual}, expected chain ${expected}.`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** code DEADLINE_EXPIRED: the deadline (or a timestamp window) has already passed. */
export class DeadlineExpiredError extends InvalidInputError {
  override name = "DeadlineExpiredError";
  readonly deadline: bigint;
  readonly now: bigint;
  constructor(field: string, deadline: bigint, now: bigint) {
    super("DEADLINE_EXPIRED", field, `${field} ${deadline} is not after now (${now}).`);
    this.deadline = deadline;
    this.now = now;
  }
}

/** code ACCOUNT_REQUIRED: the action signs or sends, and the client has no account. */
export class AccountRequiredError extends ImiError {
  override name = "AccountRequiredError";
  constructor(action: string) {
    super("ACCOUNT_REQUIRED", `${action} needs an account: pass \`account\` to createImiClient or to the action.`);
  }
}

/** code NETWORK: the RPC endpoint could not be reached or answered garbage. Retrying may help. */
export class NetworkError extends ImiError {
  override name = "NetworkError";
  constructor(shortMessage: string, options?: ImiErrorOptions) {
    super("NETWORK", shortMessage, options);
  }
}

/**
 * code TX_REJECTED: the node refused the transaction before executing it (not allowlisted,
 * nonce too low, insufficient funds, underpriced). Not a contract revert.
 */
export class TransactionRejectedError extends ImiError {
  override name = "TransactionRejectedError";
  constructor(shortMessage: string, options?: ImiErrorOptions) {
    super("TX_REJECTED", shortMessage, options);
  }
}

/** code USER_REJECTED: the wallet behind an EIP-1193 provider declined to sign. */
export class UserRejectedError extends ImiError {
  override name = "UserRejectedError";
  constructor(options?: ImiErrorOptions) {
    super("USER_REJECTED", "The user rejected the request.", options);
  }
}

/** code REVERTED: a revert without decodable IMI custom error (out of gas, unknown error data). */
export class UnknownRevertError extends ImiError {
  override name = "UnknownRevertError";
  readonly data: `0x${string}` | undefined;
  constructor(data: `0x${string}` | undefined, options?: ImiErrorOptions) {
    super("REVERTED", `Transaction reverted${data && data !== "0x" ? ` with unknown data ${data.slice(0, 10)}` : ""}.`, options);
    this.data = data;
  }
}

/** code TIMEOUT: waiting for a receipt took longer than allowed. The transaction may still land. */
export class TimeoutError extends ImiError {
  override name = "TimeoutError";
  constructor(shortMessage: string, options?: ImiErrorOptions) {
    super("TIMEOUT", shortMessage, options);
  }
}

/** code NOT_FOUND: a consent, credential, batch or receipt the caller named does not exist on chain. */
export class NotFoundError extends ImiError {
  override name = "NotFoundError";
  constructor(shortMessage: string, options?: ImiErrorOptions) {
    super("NOT_FOUND", shortMessage, options);
  }
}

/**
 * code GATEWAY: the gateway answered with an error status. `status` is the HTTP status and
 * `gatewayCode` the gateway's own error code, when its body carried one.
 */
export class GatewayError extends ImiError {
  override name = "GatewayError";
  readonly status: number;
  readonly gatewayCode: string | undefined;
  /** The gateway's own words for the refusal (its body's `message`), when it sent any. */
  readonly gatewayMessage: string | undefined;
  /** `options.code`: the subclasses of sdk/errors/gatewayErrors.ts carry the gateway's own code as theirs. */
  constructor(status: number, shortMessage: string, options?: ImiErrorOptions & { code?: string; gatewayMessage?: string }) {
    super(options?.code ?? "GATEWAY", shortMessage, options);
    this.status = status;
    this.gatewayCode = options?.details;
    this.gatewayMessage = options?.gatewayMessage;
  }
}

/** code RPC_ERROR: the node answered a JSON-RPC error that is neither a revert nor a transaction rejection. */
export class RpcError extends ImiError {
  override name = "RpcError";
  readonly rpcCode: number;
  constructor(rpcCode: number, message: string, options?: ImiErrorOptions) {
    super("RPC_ERROR", `The node answered error ${rpcCode}: ${message}`, options);
    this.rpcCode = rpcCode;
  }
}
