// The yes/no a gateway signs for a predicate question: an EIP-712 message in the "IMI Gateway"
// domain, so an agency can show the answer to a third party without any of the data behind it.
// Pure. The gateway signs it (node/gateway/routes/access.ts); verifyPredicateAnswer checks it.
import { keccak256, toUtf8Bytes } from "ethers";
import { GATEWAY_DOMAIN_NAME, chainDomain } from "../typedData/domains.js";
import type { TypedDataDefinition } from "../typedData/hashTypedData.js";
import { recoverTypedDataSigner } from "../typedData/verifyTypedData.js";
import { canonicalJson } from "../utils.js";
import type { Address, Hex, Numberish } from "../types.js";

export const predicateAnswerTypes = {
  PredicateAnswer: [
    { name: "agency", type: "address" },
    { name: "citizen", type: "bytes32" },
    { name: "predicate", type: "bytes32" },
    { name: "result", type: "bool" },
    { name: "seq", type: "uint64" },
    { name: "recordHash", type: "bytes32" },
    { name: "requestHash", type: "bytes32" },
    { name: "nonce", type: "bytes32" },
    { name: "issuedAt", type: "uint64" },
  ],
} as const;

/** The questions a gateway answers without disclosing data. */
export type Predicate =
  | { type: "ageAtLeast"; years: number }
  | { type: "residentOf"; district: string }
  | { type: "hasValidCredential"; schemaId: Hex }
  /** An enterprise's licence (category "licence") is valid today; of the given kind when `kind` is set. */
  | { type: "licenceValid"; kind?: string }
  /** An enterprise (or citizen) is in good standing with the tax authority (category "tax"). */
  | { type: "taxInGoodStanding" };

/**
 * As the gateway returns it. `predicate` is keccak256 of the predicate's canonical JSON
 * ({@link predicateHash}); `seq`/`recordHash` name its access record; `requestHash` is the EIP-712
 * hash of the AgencyRequest it answers and `nonce` that request's nonce; `issuedAt` the gateway's
 * time of answering (unix seconds). Numbers are decimal strings.
 */
export type PredicateAnswer = {
  agency: string;
  citizen: string;
  predicate: string;
  result: boolean;
  seq: string;
  recordHash: string;
  requestHash: string;
  nonce: string;
  issuedAt: string;
};

/** keccak256 of the canonical JSON of a predicate: what an answer names as its question. */
export function predicateHash(predicate: Predicate): Hex {
  return keccak256(toUtf8Bytes(canonicalJson(predicate))) as Hex;
}

export function predicateAnswerTypedData(chainId: Numberish, answer: PredicateAnswer): TypedDataDefinition<"PredicateAnswer"> {
  return {
    domain: chainDomain(GATEWAY_DOMAIN_NAME, BigInt(chainId)),
    types: predicateAnswerTypes,
    primaryType: "PredicateAnswer",
    message: { ...answer, seq: BigInt(answer.seq), issuedAt: BigInt(answer.issuedAt) },
  };
}

/**
 * The account that signed an answer. Offline, and alone it proves nothing: anyone can sign an
 * answer. Use verifyPredicateAnswer, which also checks that account holds the gateway role on chain.
 */
export function recoverPredicateAnswerSigner(chainId: Numberish, answer: PredicateAnswer, signature: Hex): Address {
  return recoverTypedDataSigner(predicateAnswerTypedData(chainId, answer), signature);
}
