import { ImiError, type ImiErrorOptions } from "../errors/ImiError.js";

/**
 * Why a one code was refused, as a stable code. Decoding: ONE_CODE_MALFORMED, ONE_CODE_VERSION,
 * ONE_CODE_TOO_LARGE. Checking: ONE_CODE_BAD_STAPLE, ONE_CODE_UNTRUSTED_GATEWAY,
 * ONE_CODE_STAPLE_EXPIRED, ONE_CODE_BAD_SIGNATURE, ONE_CODE_STALE, ONE_CODE_WRONG_VERIFIER,
 * ONE_CODE_REPLAYED, ONE_CODE_NOT_CONTROLLER, ONE_CODE_IDENTITY_INACTIVE, ONE_CODE_UNKNOWN_CITIZEN,
 * ONE_CODE_CONTRACT_CHECK_UNAVAILABLE; for an enterprise's code, ONE_CODE_NOT_REPRESENTATIVE (the
 * holder no longer acts for it within the stapled scopes) and ONE_CODE_ENTERPRISE_INACTIVE.
 */
export class OneCodeError extends ImiError {
  override name = "OneCodeError";
  constructor(code: OneCodeErrorCode, shortMessage: string, options?: ImiErrorOptions) {
    super(code, shortMessage, options);
  }
}

export const ONE_CODE_REFUSALS = [
  "ONE_CODE_MALFORMED",
  "ONE_CODE_VERSION",
  "ONE_CODE_TOO_LARGE",
  "ONE_CODE_BAD_STAPLE",
  "ONE_CODE_UNTRUSTED_GATEWAY",
  "ONE_CODE_STAPLE_EXPIRED",
  "ONE_CODE_BAD_SIGNATURE",
  "ONE_CODE_STALE",
  "ONE_CODE_WRONG_VERIFIER",
  "ONE_CODE_REPLAYED",
  "ONE_CODE_NOT_CONTROLLER",
  "ONE_CODE_IDENTITY_INACTIVE",
  "ONE_CODE_UNKNOWN_CITIZEN",
  "ONE_CODE_CONTRACT_CHECK_UNAVAILABLE",
  "ONE_CODE_NOT_REPRESENTATIVE",
  "ONE_CODE_ENTERPRISE_INACTIVE",
] as const;
export type OneCodeErrorCode = (typeof ONE_CODE_REFUSALS)[number];
