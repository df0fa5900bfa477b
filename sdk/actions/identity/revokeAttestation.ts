import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type RevokeAttestationParameters = { uid: Hex; account?: ImiAccount };
export type RevokeAttestationReturnType = { hash: Hex; blockNumber: number };

/** The attester that made an attestation revokes it. */
export async function revokeAttestation(client: ImiBaseClient, p: RevokeAttestationParameters): Promise<RevokeAttestationReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "revokeAttestation",
    account: p.account,
    contract: "identityRegistry",
    functionName: "revokeAttestation",
    args: [toNonZeroBytes32("uid", p.uid)],
  });
  return { hash, blockNumber };
}
