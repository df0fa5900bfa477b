import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress } from "../../internal/validate.js";
import { InvalidInputError } from "../../errors/errors.js";
import { PredicateAnswerError } from "../../errors/PredicateAnswerError.js";
import { recoverDepartmentAnswerSigner, recoverSourcedPredicateAnswerSigner, type DepartmentAnswer } from "../../gateway/departmentAnswer.js";
import type { PredicateAnswer } from "../../gateway/predicateAnswer.js";
import { IMI_ROLES } from "../../roles/imiRoles.js";
import type { Address, Hex } from "../../types.js";
import { verifyPredicateAnswer, type VerifyPredicateAnswerParameters, type VerifyPredicateAnswerReturnType } from "./verifyPredicateAnswer.js";

export type VerifySourcedPredicateAnswerParameters = Omit<VerifyPredicateAnswerParameters, "answer" | "signature"> & {
  /** The gateway's answer as /v1/access/predicate returns it for a category a department owns. */
  answered: { answer: PredicateAnswer; signature: Hex; source: { answer: DepartmentAnswer; signature: Hex }; sourcedSignature: Hex };
  /** Pin the department account expected to have answered (optional: any account holding the department role passes). */
  department?: Address;
};
export type VerifySourcedPredicateAnswerReturnType = VerifyPredicateAnswerReturnType & { department: Address; departmentIssuedAt: number };
export type VerifySourcedPredicateAnswerErrorType = PredicateAnswerError | InvalidInputError;

/**
 * Checks a yes/no that a department answered at its source and the gateway passed on: the gateway's
 * own answer as {@link verifyPredicateAnswer} does; the department's answer says the same thing about
 * the same citizen and question, for the same request; it is signed by an account that holds the
 * department role on chain now (and is the pinned department, when given); and the gateway signed
 * the whole (SourcedPredicateAnswer) with the key that signed its own answer.
 */
export async function verifySourcedPredicateAnswer(client: ImiBaseClient, p: VerifySourcedPredicateAnswerParameters): Promise<VerifySourcedPredicateAnswerReturnType> {
  const { answered, department, ...rest } = p;
  if (answered === null || typeof answered !== "object" || answered.source === null || typeof answered.source !== "object")
    throw new PredicateAnswerError("malformed", "The answer carries no department source.");
  const verified = await verifyPredicateAnswer(client, { ...rest, answer: answered.answer, signature: answered.signature });
  const a = answered.answer;
  const s = answered.source.answer;
  const lc = (v: unknown) => String(v).toLowerCase();
  if (
    s === null || typeof s !== "object" || s.result !== a.result || lc(s.citizen) !== lc(a.citizen) || lc(s.predicate) !== lc(a.predicate) ||
    lc(s.question) !== lc(a.requestHash) || !/^[0-9]{1,20}$/.test(String(s.issuedAt))
  )
    throw new PredicateAnswerError("sourceMismatch", "The department's answer is about another question, citizen or request, or says otherwise.");

  let whole: Address;
  try {
    whole = recoverSourcedPredicateAnswerSigner(client.deployment.chainId, { answer: a, source: s, sourceSignature: answered.source.signature }, answered.sourcedSignature);
  } catch (cause) {
    throw new PredicateAnswerError("sourceMismatch", "The gateway's signature over the whole is malformed.", { cause });
  }
  if (lc(whole) !== lc(verified.signer)) throw new PredicateAnswerError("sourceMismatch", "The whole was not signed by the gateway that signed the answer.");

  let signer: Address;
  try {
    signer = recoverDepartmentAnswerSigner(client.deployment.chainId, s, answered.source.signature);
  } catch (cause) {
    throw new PredicateAnswerError("badSignature", "The department's signature is malformed.", { cause });
  }
  if (lc(signer) !== lc(s.department)) throw new PredicateAnswerError("badSignature", `The department answer names ${s.department} but was signed by ${signer}.`);
  if (department !== undefined && lc(signer) !== lc(toAddress("department", department)))
    throw new PredicateAnswerError("badSignature", `The answer was signed by ${signer}, not by the department ${department}.`);
  const role = await readContract(client, { contract: "accessManager", functionName: "hasRole", args: [BigInt(IMI_ROLES.department), signer] });
  if (!role.isMember || role.executionDelay !== 0n)
    throw new PredicateAnswerError("notDepartment", `The department answer was signed by ${signer}, which does not hold the department role on chain.`);
  return { ...verified, department: signer, departmentIssuedAt: Number(s.issuedAt) };
}
