// The gateway's signed yes/no: it makes an answer portable (the agency can show it without the
// data) and names its question, its access record and the request it answers (hash and nonce),
// with the time. The consent-checked predicates and the credit-list predicates answer the same way.
import { predicateAnswerTypedData, type Hex, type PredicateAnswer } from "@imi-ledger/sdk";
import type { AccessReceipt } from "./accessLog.js";
import type { AgencyCall, GatewayContext } from "./GatewayContext.js";

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
  return { answer, signature: ctx.options.account.signTypedData(predicateAnswerTypedData(ctx.options.chainId, answer)), signer: ctx.options.account.address };
}
