import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { eventOf, writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32, toUint } from "../../internal/validate.js";
import type { Hex, Numberish } from "../../types.js";

export type AttestParameters = {
  subject: Hex;
  /** What is stated, as a code, e.g. `code("employed")`. */
  topic: Hex;
  /** Hash of the value (never the value itself). */
  valueHash: Hex;
  /** Unix seconds; 0 = no expiry. */
  expiresAt?: Numberish;
  account?: ImiAccount;
};
export type AttestReturnType = { hash: Hex; blockNumber: number; uid: Hex };

/** An attester states something about a citizen. */
export async function attest(client: ImiBaseClient, p: AttestParameters): Promise<AttestReturnType> {
  const result = await writeContract(client, {
    action: "attest",
    account: p.account,
    contract: "identityRegistry",
    functionName: "attest",
    args: [
      toNonZeroBytes32("subject", p.subject),
      toNonZeroBytes32("topic", p.topic),
      toNonZeroBytes32("valueHash", p.valueHash),
      toUint("expiresAt", p.expiresAt ?? 0, 64),
    ],
  });
  return { hash: result.hash, blockNumber: result.blockNumber, uid: eventOf(result, "identityRegistry", "Attested").uid };
}
