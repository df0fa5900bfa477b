// The yes/no a gateway signs for a predicate query: an EIP-712 message in the "IMI Gateway" domain,
// so an agency can show the answer to a third party without any of the data behind it.
import { recoverTypedDataSigner } from "../../sdk/typedData/verifyTypedData.js";
import { GATEWAY_DOMAIN_NAME, chainDomain } from "../../sdk/typedData/domains.js";
import type { TypedDataDefinition } from "../../sdk/typedData/hashTypedData.js";
import type { Address, Hex } from "../../sdk/types.js";

export const predicateAnswerTypes = {
  PredicateAnswer: [
    { name: "agency", type: "address" },
    { name: "citizen", type: "bytes32" },
    { name: "predicate", type: "bytes32" },
    { name: "result", type: "bool" },
    { name: "seq", type: "uint64" },
    { name: "recordHash", type: "bytes32" },
  ],
} as const;

/** As the gateway returns it: `predicate` is keccak256 of the predicate's canonical JSON, `seq`/`recordHash` its access record. */
export type PredicateAnswer = { agency: string; citizen: string; predicate: string; result: boolean; seq: string; recordHash: string };

export function predicateAnswerTypedData(chainId: number, answer: PredicateAnswer): TypedDataDefinition<"PredicateAnswer"> {
  return { domain: chainDomain(GATEWAY_DOMAIN_NAME, chainId), types: predicateAnswerTypes, primaryType: "PredicateAnswer", message: { ...answer, seq: BigInt(answer.seq) } };
}

/** The gateway account that signed an answer (compare with the gateway's known address). */
export function recoverPredicateAnswerSigner(chainId: number, answer: PredicateAnswer, signature: Hex): Address {
  return recoverTypedDataSigner(predicateAnswerTypedData(chainId, answer), signature);
}
