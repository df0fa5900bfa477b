import type { ImiBaseClient } from "../clients/ImiBaseClient.js";
import type { ImiAccount } from "../clients/accounts.js";
import { writeContract } from "./contractCall.js";
import { toBytes32, toNonZeroBytes32, toUint } from "./validate.js";
import type { Hex, Numberish } from "../types.js";

/** Where a batched credential sits: its batch root and inclusion proof. */
export type BatchMembership = { root: Hex; proof: readonly Hex[] };

export type CredentialStatusChangeParameters = {
  credentialHash: Hex;
  /** A reason code (uint16) the issuer's policy defines. */
  reason?: Numberish;
  /** For a credential anchored in a batch. */
  batch?: BatchMembership;
  account?: ImiAccount;
};
export type CredentialStatusChangeReturnType = { hash: Hex; blockNumber: number };

// IssuerStatus values for setBatchedStatus.
const ISSUER_STATUS = { revoke: 3, suspend: 2, reinstate: 1 } as const;

export async function changeCredentialStatus(
  client: ImiBaseClient,
  kind: keyof typeof ISSUER_STATUS,
  p: CredentialStatusChangeParameters,
): Promise<CredentialStatusChangeReturnType> {
  const credentialHash = toNonZeroBytes32("credentialHash", p.credentialHash);
  const reason = toUint("reason", p.reason ?? 0, 16);
  const call = p.batch
    ? {
        functionName: "setBatchedStatus" as const,
        args: [toNonZeroBytes32("batch.root", p.batch.root), credentialHash, p.batch.proof.map((h, i) => toBytes32(`batch.proof[${i}]`, h)), ISSUER_STATUS[kind], reason],
      }
    : { functionName: kind, args: [credentialHash, reason] };
  const { hash, blockNumber } = await writeContract(client, { action: `${kind}Credential`, account: p.account, contract: "credentialRegistry", ...call });
  return { hash, blockNumber };
}
