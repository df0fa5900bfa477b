import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress } from "../../internal/validate.js";
import type { Address } from "../../types.js";

export type SigningContract = "identityRegistry" | "consentRegistry" | "communityRegistry" | "enterpriseRegistry" | "creditRegistry";
export type GetNonceParameters = { contract: SigningContract; signer: Address };
export type GetNonceReturnType = bigint;

/** The signer's current nonce at a contract that takes signed actions (each signature uses one). */
export function getNonce(client: ImiBaseClient, p: GetNonceParameters): Promise<GetNonceReturnType> {
  return readContract(client, { contract: p.contract, functionName: "nonces", args: [toAddress("signer", p.signer)] });
}
