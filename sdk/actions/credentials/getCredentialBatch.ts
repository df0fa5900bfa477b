import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type GetCredentialBatchParameters = { root: Hex };
export type GetCredentialBatchReturnType = {
  issuer: Address;
  status: bigint;
  validFrom: bigint;
  validUntil: bigint;
  anchoredAt: bigint;
  statusChangedAt: bigint;
  reason: bigint;
  count: bigint;
  schemaId: Hex;
};

export function getCredentialBatch(client: ImiBaseClient, p: GetCredentialBatchParameters): Promise<GetCredentialBatchReturnType> {
  return readContract(client, { contract: "credentialRegistry", functionName: "getBatch", args: [toBytes32("root", p.root)] });
}
