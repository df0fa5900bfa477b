import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type GetCredentialParameters = { credentialHash: Hex };
/** The stored record of a singly anchored credential (issuer zero when unknown). */
export type GetCredentialReturnType = {
  issuer: Address;
  status: bigint;
  validFrom: bigint;
  validUntil: bigint;
  anchoredAt: bigint;
  statusChangedAt: bigint;
  reason: bigint;
  schemaId: Hex;
  subject: Hex;
  batchRoot: Hex;
};

export function getCredential(client: ImiBaseClient, p: GetCredentialParameters): Promise<GetCredentialReturnType> {
  return readContract(client, { contract: "credentialRegistry", functionName: "getCredential", args: [toBytes32("credentialHash", p.credentialHash)] });
}
