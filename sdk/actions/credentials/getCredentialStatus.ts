import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import type { BatchMembership } from "../../internal/credentialStatusChange.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

/** `ICredentialRegistry.CredentialStatus`, in order. */
export const CREDENTIAL_STATUS = ["unknown", "valid", "revoked", "suspended", "expired", "notYetValid"] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUS)[number];

export type GetCredentialStatusParameters = { credentialHash: Hex; batch?: BatchMembership };
export type GetCredentialStatusReturnType = CredentialStatus;

/** Valid / revoked / suspended / expired / not yet valid / unknown, as the chain says now. */
export async function getCredentialStatus(
  client: ImiBaseClient,
  p: GetCredentialStatusParameters,
): Promise<GetCredentialStatusReturnType> {
  const credentialHash = toBytes32("credentialHash", p.credentialHash);
  const raw = p.batch
    ? await readContract(client, {
        contract: "credentialRegistry",
        functionName: "statusOfBatched",
        args: [toBytes32("batch.root", p.batch.root), credentialHash, p.batch.proof.map((h, i) => toBytes32(`batch.proof[${i}]`, h))],
      })
    : await readContract(client, { contract: "credentialRegistry", functionName: "statusOf", args: [credentialHash] });
  return CREDENTIAL_STATUS[Number(raw)];
}
