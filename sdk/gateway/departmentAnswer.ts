// Predicates at the source ("jump"): a department that owns a data category answers a yes/no
// question on its own data and signs the answer with its key (role DEPARTMENT on chain). The gateway
// checks that signature, logs the access and countersigns the whole: its own PredicateAnswer, the
// department's answer and the department's signature, as one SourcedPredicateAnswer. Pure; the
// department server (node/vault/vaultHttpPlugin) signs, verifySourcedPredicateAnswer checks.
import { chainDomain, GATEWAY_DOMAIN_NAME } from "../typedData/domains.js";
import type { TypedDataDefinition } from "../typedData/hashTypedData.js";
import { recoverTypedDataSigner } from "../typedData/verifyTypedData.js";
import { predicateAnswerTypes, type Predicate, type PredicateAnswer } from "./predicateAnswer.js";
import type { Address, Hex, Numberish } from "../types.js";

/** The EIP-712 domain departments sign in: no contract, the deployment's chain. */
export const DEPARTMENT_DOMAIN_NAME = "IMI Department";

export const departmentAnswerTypes = {
  DepartmentAnswer: [
    { name: "department", type: "address" },
    { name: "citizen", type: "bytes32" },
    { name: "predicate", type: "bytes32" },
    { name: "result", type: "bool" },
    { name: "question", type: "bytes32" },
    { name: "issuedAt", type: "uint64" },
  ],
} as const;

/**
 * A department's signed yes/no. `predicate` is {@link predicateHash} of the question; `question` is
 * the id the gateway gave it (the EIP-712 hash of the agency's request), so an answer serves exactly
 * one request; `issuedAt` is the department's time of answering (unix seconds, decimal string).
 */
export type DepartmentAnswer = {
  department: string;
  citizen: string;
  predicate: string;
  result: boolean;
  question: string;
  issuedAt: string;
};

/** What the gateway sends a department: POST {base}/predicates/{citizen} with this body. */
export type DepartmentQuestion = { predicate: Predicate; question: Hex };

/** What the department sends back: 200 with its signed answer, or 404 { code: "NO_RECORD" }. */
export type DepartmentAnswerEnvelope = { answer: DepartmentAnswer; signature: Hex };

export function departmentAnswerTypedData(chainId: Numberish, answer: DepartmentAnswer): TypedDataDefinition<"DepartmentAnswer"> {
  return {
    domain: chainDomain(DEPARTMENT_DOMAIN_NAME, BigInt(chainId)),
    types: departmentAnswerTypes,
    primaryType: "DepartmentAnswer",
    message: { ...answer, issuedAt: BigInt(answer.issuedAt) },
  };
}

/** Who signed a department's answer. Offline; alone it proves nothing (check the DEPARTMENT role on chain). */
export function recoverDepartmentAnswerSigner(chainId: Numberish, answer: DepartmentAnswer, signature: Hex): Address {
  return recoverTypedDataSigner(departmentAnswerTypedData(chainId, answer), signature);
}

export const sourcedPredicateAnswerTypes = {
  SourcedPredicateAnswer: [
    { name: "answer", type: "PredicateAnswer" },
    { name: "source", type: "DepartmentAnswer" },
    { name: "sourceSignature", type: "bytes" },
  ],
  DepartmentAnswer: departmentAnswerTypes.DepartmentAnswer,
  PredicateAnswer: predicateAnswerTypes.PredicateAnswer,
} as const;

/** The gateway's signature over the whole: its own answer, the department's, and the department's signature. */
export type SourcedPredicateAnswer = { answer: PredicateAnswer; source: DepartmentAnswer; sourceSignature: Hex };

export function sourcedPredicateAnswerTypedData(chainId: Numberish, sourced: SourcedPredicateAnswer): TypedDataDefinition<"SourcedPredicateAnswer"> {
  return {
    domain: chainDomain(GATEWAY_DOMAIN_NAME, BigInt(chainId)),
    types: sourcedPredicateAnswerTypes,
    primaryType: "SourcedPredicateAnswer",
    message: {
      answer: { ...sourced.answer, seq: BigInt(sourced.answer.seq), issuedAt: BigInt(sourced.answer.issuedAt) },
      source: { ...sourced.source, issuedAt: BigInt(sourced.source.issuedAt) },
      sourceSignature: sourced.sourceSignature,
    },
  };
}

export function recoverSourcedPredicateAnswerSigner(chainId: Numberish, sourced: SourcedPredicateAnswer, signature: Hex): Address {
  return recoverTypedDataSigner(sourcedPredicateAnswerTypedData(chainId, sourced), signature);
}
