import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type GetAttestationParameters = { uid: Hex };
export type GetAttestationReturnType = {
  attester: Address;
  issuedAt: bigint;
  expiresAt: bigint;
  revokedAt: bigint;
  subject: Hex;
  topic: Hex;
  valueHash: Hex;
  /** Not revoked, not expired, subject still active. */
  valid: boolean;
};

export async function getAttestation(client: ImiBaseClient, p: GetAttestationParameters): Promise<GetAttestationReturnType> {
  const uid = toBytes32("uid", p.uid);
  const [raw, valid] = await Promise.all([
    readContract(client, { contract: "identityRegistry", functionName: "getAttestation", args: [uid] }),
    readContract(client, { contract: "identityRegistry", functionName: "isAttestationValid", args: [uid] }),
  ]);
  return { ...raw, valid };
}
