import { ImiError, type ImiErrorOptions } from "./ImiError.js";

/** Why a predicate answer does not verify. Each is its own stable `code`. */
export const PREDICATE_ANSWER_CODES = {
  /** Fields missing or not of their types. */
  malformed: "ANSWER_MALFORMED",
  /** The signature does not recover, or not to the gateway the caller pinned. */
  badSignature: "ANSWER_BAD_SIGNATURE",
  /** The signer does not hold the gateway role on chain (a proxy, or a gateway no longer trusted). */
  notGateway: "ANSWER_SIGNER_NOT_GATEWAY",
  /** It answers another agency, citizen or predicate than the one asked. */
  wrongQuestion: "ANSWER_WRONG_QUESTION",
  /** It belongs to another request (request hash or nonce differ). */
  wrongRequest: "ANSWER_WRONG_REQUEST",
  /** Issued too long ago, or in the future. */
  stale: "ANSWER_STALE",
  /** A sourced answer's department signer does not hold the department role on chain. */
  notDepartment: "ANSWER_SIGNER_NOT_DEPARTMENT",
  /** A sourced answer's parts disagree (department answer vs the gateway's, or the gateway's signature over the whole). */
  sourceMismatch: "ANSWER_SOURCE_MISMATCH",
} as const;
export type PredicateAnswerRejection = keyof typeof PREDICATE_ANSWER_CODES;

/** code ANSWER_*: a gateway's signed yes/no that must not be trusted. `reason` names the check that failed. */
export class PredicateAnswerError extends ImiError {
  override name = "PredicateAnswerError";
  readonly reason: PredicateAnswerRejection;
  constructor(reason: PredicateAnswerRejection, shortMessage: string, options?: ImiErrorOptions) {
    super(PREDICATE_ANSWER_CODES[reason], shortMessage, options);
    this.reason = reason;
  }
}
