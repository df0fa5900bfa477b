// Predicates at the source: the gateway forwards the yes/no question to the department that owns the
// category and never reads the field. It trusts the answer only when the department's own key signed
// it, that key is the one configured for the department and holds the department role on chain now,
// and the answer is about this citizen, this predicate and this request, and fresh. Anything else is
// a refusal (logged by the caller), never a guess.
import {
  chainDomain,
  DEPARTMENT_DOMAIN_NAME,
  departmentAnswerTypes,
  IMI_ROLES,
  predicateHash,
  GATEWAY_DOMAIN_NAME,
  sourcedPredicateAnswerTypes,
  type DepartmentAnswerEnvelope,
  type Hex,
  type PredicateAnswer,
} from "@imi-ledger/sdk";
import { TypedDataEncoder } from "ethers";
import type { Department, RecordPredicate } from "../../vault/index.js";
import type { GatewayContext } from "./GatewayContext.js";
import { fastDigestOf, fastStructHasher, fastTypedDataHasher, keccak, recoverSigner, toHex, type FastStructHasher } from "./fastTypedData.js";
import { predicateAnswerStructHash } from "./predicateAnswer.js";

export type DepartmentRefusal = "DEPARTMENT_UNAVAILABLE" | "DEPARTMENT_NOT_TRUSTED" | "DEPARTMENT_ANSWER_INVALID";
export type DepartmentOutcome = { result: boolean; source: DepartmentAnswerEnvelope } | { refused: DepartmentRefusal } | { noRecord: true };

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

// The department's answer is checked on every such predicate: the gateway's fast EIP-712 path (WASM
// keccak, native recovery) rather than ethers' encoder; the SDK's recoverDepartmentAnswerSigner, which
// the test's agency uses on the same answers, holds it honest.
const digests = new Map<number, FastStructHasher>();
function departmentDigest(chainId: number): FastStructHasher {
  let digest = digests.get(chainId);
  if (!digest) digests.set(chainId, (digest = fastTypedDataHasher(chainDomain(DEPARTMENT_DOMAIN_NAME, chainId), departmentAnswerTypes, "DepartmentAnswer")));
  return digest;
}

export async function askDepartment(ctx: GatewayContext, department: Department, citizen: string, predicate: RecordPredicate, question: string): Promise<DepartmentOutcome> {
  const log = ctx.options.logger;
  const warn = (reason: DepartmentRefusal, detail: string) => {
    if (typeof log === "object") log.warn({ event: "department_refused", department: department.name, reason, detail }, "department answer refused");
    return { refused: reason } as const;
  };
  let envelope: DepartmentAnswerEnvelope | undefined;
  try {
    envelope = await department.client.askPredicate(citizen, { predicate, question: question as Hex });
  } catch (error) {
    return warn("DEPARTMENT_UNAVAILABLE", (error as Error).message);
  }
  if (envelope === undefined) return { noRecord: true };
  const a = envelope?.answer;
  const wellFormed =
    a !== null && typeof a === "object" && typeof a.result === "boolean" && typeof envelope.signature === "string" &&
    [a.citizen, a.predicate, a.question].every((v) => typeof v === "string" && BYTES32.test(v)) && /^[0-9]{1,12}$/.test(String(a.issuedAt)) && typeof a.department === "string";
  if (!wellFormed) return warn("DEPARTMENT_ANSWER_INVALID", "malformed answer");
  if (a.citizen.toLowerCase() !== citizen || a.predicate.toLowerCase() !== predicateHash(predicate) || a.question.toLowerCase() !== question.toLowerCase())
    return warn("DEPARTMENT_ANSWER_INVALID", "answer to another question");
  const skew = ctx.options.limits.maxSkewSeconds;
  if (Math.abs(Number(a.issuedAt) - ctx.nowSeconds()) > skew) return warn("DEPARTMENT_ANSWER_INVALID", "stale answer");
  let signer: string | undefined;
  try {
    signer = recoverSigner(departmentDigest(ctx.options.chainId)(a), envelope.signature);
  } catch {
    signer = undefined;
  }
  if (signer === undefined) return warn("DEPARTMENT_NOT_TRUSTED", "signature does not recover");
  if (signer !== a.department.toLowerCase() || signer !== department.account) return warn("DEPARTMENT_NOT_TRUSTED", `signed by ${signer}, not the department's account`);
  if (!ctx.options.indexer.hasRole(BigInt(IMI_ROLES.department), signer, ctx.ruleTime())) return warn("DEPARTMENT_NOT_TRUSTED", `${signer} holds no department role`);
  return { result: a.result, source: envelope };
}

// hashStruct(SourcedPredicateAnswer) = keccak(typeHash ‖ hashStruct(answer) ‖ hashStruct(source) ‖ keccak(sourceSignature)),
// EIP-712's encoding of two nested structs and a bytes field, on the fast path like the gateway's own answer.
// Built on first use: the WASM keccak is loaded when the app is built, after this module is imported.
let departmentStruct: FastStructHasher | undefined;
let sourcedTypeHash: Uint8Array | undefined;

/** The gateway's signature over the whole: its own signed answer, the department's answer and its signature. */
export function signSourced(ctx: GatewayContext, answer: PredicateAnswer, source: DepartmentAnswerEnvelope): Hex {
  departmentStruct ??= fastStructHasher(departmentAnswerTypes, "DepartmentAnswer");
  sourcedTypeHash ??= keccak(new TextEncoder().encode(TypedDataEncoder.from(sourcedTypes()).encodeType("SourcedPredicateAnswer")));
  const signature = Buffer.from(source.signature.slice(2), "hex");
  const struct = keccak(Buffer.concat([sourcedTypeHash, predicateAnswerStructHash(answer), departmentStruct(source.answer), keccak(signature)]));
  return ctx.options.account.signDigest(toHex(fastDigestOf(chainDomain(GATEWAY_DOMAIN_NAME, ctx.options.chainId), struct)) as Hex);
}

const sourcedTypes = () => Object.fromEntries(Object.entries(sourcedPredicateAnswerTypes).map(([k, v]) => [k, [...v]]));
