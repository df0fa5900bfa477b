import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroAddress, toNonZeroBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type SetIssuerTrustParameters = { schemaId: Hex; issuer: Address; trusted: boolean; account?: ImiAccount };
export type SetIssuerTrustReturnType = { hash: Hex; blockNumber: number };

/** The governor trusts (or stops trusting) an issuer for a schema. */
export async function setIssuerTrust(client: ImiBaseClient, p: SetIssuerTrustParameters): Promise<SetIssuerTrustReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "setIssuerTrust",
    account: p.account,
    contract: "credentialRegistry",
    functionName: "setIssuerTrust",
    args: [toNonZeroBytes32("schemaId", p.schemaId), toNonZeroAddress("issuer", p.issuer), p.trusted === true],
  });
  return { hash, blockNumber };
}
