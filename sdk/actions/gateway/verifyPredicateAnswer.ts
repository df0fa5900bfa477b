import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress, toBytes32 } from "../../internal/validate.js";
import { InvalidInputError } from "../../errors/errors.js";
import { PredicateAnswerError } from "../../errors/PredicateAnswerError.js";
import { predicateHash, recoverPredicateAnswerSigner, type Predicate, type PredicateAnswer } from "../../gateway/predicateAnswer.js";
import type { Address, Hex } from "../../types.js";

/** ImiRoles.GATEWAY in contracts/utils/ImiRoles.sol: the accounts that run gateways. */
export const GATEWAY_ROLE = 5n;

export type VerifyPredicateAnswerParameters = {
  answer: PredicateAnswer;
  signature: Hex;
  /** The question asked: the agency that asked, about which citizen, which predicate (object or its hash). */
  question: { agency: Address; citizen: Hex; predicate: Predicate | Hex };
  /** The request it must answer: its EIP-712 hash, its nonce, or both (at least one). */
  request: { requestHash?: Hex; nonce?: Hex };
  /** Pin the gateway account expected to sign (optional: any account holding the gateway role passes). */
  gateway?: Address;
  /** How old an answer may be, seconds. Default 300. */
  maxAgeSeconds?: number;
  /** How far in the future `issuedAt` may be (clock skew), seconds. Default 60. */
  maxSkewSeconds?: number;
  /** Unix seconds; default now. */
  now?: number;
};
export type VerifyPredicateAnswerReturnType = { result: boolean; signer: Address; issuedAt: number; seq: number; recordHash: Hex };
export type VerifyPredicateAnswerErrorType = PredicateAnswerError | InvalidInputError;

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const UINT = /^[0-9]{1,20}$/;

/**
 * Checks a gateway's signed yes/no before anyone relies on it: well formed; signed (EIP-712, "IMI
 * Gateway" domain of the client's chain) by an account that holds the gateway role on chain now
 * (and is the pinned gateway, when given); about the question asked; for the request it answers;
 * and fresh. Throws {@link PredicateAnswerError} with a code per failed check, never answers "valid"
 * for an answer a proxy altered and signed again.
 */
export async function verifyPredicateAnswer(client: ImiBaseClient, p: VerifyPredicateAnswerParameters): Promise<VerifyPredicateAnswerReturnType> {
  const a = p.answer;
  const wellFormed =
    a !== null && typeof a === "object" && typeof a.result === "boolean" && ADDRESS.test(String(a.agency)) &&
    [a.citizen, a.predicate, a.recordHash, a.requestHash, a.nonce].every((v) => BYTES32.test(String(v))) &&
    UINT.test(String(a.seq)) && UINT.test(String(a.issuedAt));
  if (!wellFormed) throw new PredicateAnswerError("malformed", "The predicate answer is missing fields or has fields of the wrong type.");

  const lc = (v: string) => v.toLowerCase();
  const wanted = {
    agency: lc(toAddress("question.agency", p.question.agency)),
    citizen: lc(toBytes32("question.citizen", p.question.citizen)),
    predicate: lc(typeof p.question.predicate === "string" ? toBytes32("question.predicate", p.question.predicate) : predicateHash(p.question.predicate)),
  };
  if (lc(a.agency) !== wanted.agency || lc(a.citizen) !== wanted.citizen || lc(a.predicate) !== wanted.predicate)
    throw new PredicateAnswerError("wrongQuestion", "The answer is about another agency, citizen or question than the one asked.");

  if (p.request.requestHash === undefined && p.request.nonce === undefined)
    throw new InvalidInputError("INVALID_REQUEST", "request", "Name the request the answer must belong to: its requestHash or nonce.");
  if (p.request.requestHash !== undefined && lc(a.requestHash) !== lc(toBytes32("request.requestHash", p.request.requestHash)))
    throw new PredicateAnswerError("wrongRequest", "The answer belongs to another request.");
  if (p.request.nonce !== undefined && lc(a.nonce) !== lc(toBytes32("request.nonce", p.request.nonce)))
    throw new PredicateAnswerError("wrongRequest", "The answer belongs to another request (nonce).");

  const now = p.now ?? Math.floor(Date.now() / 1000);
  const issuedAt = Number(a.issuedAt);
  if (issuedAt > now + (p.maxSkewSeconds ?? 60) || issuedAt + (p.maxAgeSeconds ?? 300) < now)
    throw new PredicateAnswerError("stale", `The answer was issued at ${issuedAt}, outside the accepted window around ${now}.`);

  let signer: Address;
  try {
    signer = recoverPredicateAnswerSigner(client.deployment.chainId, a, p.signature);
  } catch (cause) {
    throw new PredicateAnswerError("badSignature", "The answer's signature is malformed.", { cause });
  }
  if (p.gateway !== undefined && lc(signer) !== lc(toAddress("gateway", p.gateway)))
    throw new PredicateAnswerError("badSignature", `The answer was signed by ${signer}, not by the gateway ${p.gateway}.`);
  // The one check no proxy can fake: the signing key is a gateway the deployment's AccessManager trusts.
  const role = await readContract(client, { contract: "accessManager", functionName: "hasRole", args: [GATEWAY_ROLE, signer] });
  if (!role.isMember || role.executionDelay !== 0n)
    throw new PredicateAnswerError("notGateway", `The answer was signed by ${signer}, which does not hold the gateway role on chain.`);
  return { result: a.result, signer, issuedAt, seq: Number(a.seq), recordHash: a.recordHash as Hex };
}
