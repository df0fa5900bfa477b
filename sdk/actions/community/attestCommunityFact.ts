import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { communityFactCommitment, toCommunityFact, type CommunityFact } from "../../community/communityFacts.js";
import { eventOf, writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32, toUint } from "../../internal/validate.js";
import { randomBytes32 } from "../../utils.js";
import type { Hex, Numberish } from "../../types.js";

export type AttestCommunityFactParameters = {
  resident: Hex;
  fact: CommunityFact;
  value: boolean;
  /** Unix seconds; 0 = no end. */
  expiresAt?: Numberish;
  /** 32 random bytes; a fresh one when omitted. */
  salt?: Hex;
  account?: ImiAccount;
};
/** `uid` on chain, and the opening (fact, value, salt) to hand to the gateway (publishCommunityFact). */
export type AttestCommunityFactReturnType = { hash: Hex; blockNumber: number; uid: Hex; commitment: Hex; resident: Hex; fact: CommunityFact; value: boolean; salt: Hex };

/** An attester (role 6) endorses a yes/no fact about a resident; only its salted commitment goes on chain. */
export async function attestCommunityFact(client: ImiBaseClient, p: AttestCommunityFactParameters): Promise<AttestCommunityFactReturnType> {
  const resident = toNonZeroBytes32("resident", p.resident);
  const fact = toCommunityFact("fact", p.fact);
  const salt = p.salt === undefined ? randomBytes32() : toNonZeroBytes32("salt", p.salt);
  const value = p.value === true;
  const commitment = communityFactCommitment({ resident, fact, value, salt });
  const result = await writeContract(client, {
    action: "attestCommunityFact",
    account: p.account,
    contract: "communityRegistry",
    functionName: "attest",
    args: [resident, commitment, toUint("expiresAt", p.expiresAt ?? 0, 64)],
  });
  const uid = eventOf(result, "communityRegistry", "FactAttested").uid;
  return { hash: result.hash, blockNumber: result.blockNumber, uid, commitment, resident, fact, value, salt };
}
