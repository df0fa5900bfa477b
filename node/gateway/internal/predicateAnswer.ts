// The gateway's signed yes/no: it makes an answer portable (the agency can show it without the
// data) and names its question, its access record and the request it answers (hash and nonce),
// with the time. The consent-checked predicates and the credit-list predicates answer the same way.
import { chainDomain, GATEWAY_DOMAIN_NAME, predicateAnswerTypes, type Hex, type PredicateAnswer } from "@imi-ledger/sdk";
import type { AccessReceipt } from "./accessLog.js";
import type { AgencyCall, GatewayContext } from "./GatewayContext.js";
import { fastDigestOf, fastStructHasher, toHex } from "./fastTypedData.js";

// Every predicate answer is signed: its EIP-712 digest on the gateway's fast path (WASM keccak) rather
// than ethers' encoder, which cost about as much as the rest of the answer (test/sdk/predicateAnswer
// and the department test verify the signatures with the SDK's own encoding).
// Built on first use: the WASM keccak is loaded when the app is built, after this module is imported.
let answerStruct: ReturnType<typeof fastStructHasher> | undefined;

/** hashStruct(PredicateAnswer), for the answer's own digest and for nesting it in a sourced answer. */
export function predicateAnswerStructHash(answer: PredicateAnswer): Uint8Array {
  answerStruct ??= fastStructHasher(predicateAnswerTypes, "PredicateAnswer");
  return answerStruct(answer);
}

export function signPredicateAnswer(
  ctx: GatewayContext,
  call: AgencyCall,
  question: Pick<PredicateAnswer, "citizen" | "predicate" | "result">,
  receipt: AccessReceipt,
): { answer: PredicateAnswer; signature: Hex; signer: Hex } {
  const answer: PredicateAnswer = {
    agency: call.agency,
    citizen: question.citizen,
    predicate: question.predicate,
    result: question.result,
    seq: String(receipt.seq),
    recordHash: receipt.recordHash,
    requestHash: call.requestHash,
    nonce: call.nonce,
    issuedAt: String(ctx.nowSeconds()),
  };
  const digest = fastDigestOf(chainDomain(GATEWAY_DOMAIN_NAME, ctx.options.chainId), predicateAnswerStructHash(answer));
  return { answer, signature: ctx.options.account.signDigest(toHex(digest) as Hex), signer: ctx.options.account.address };
}
