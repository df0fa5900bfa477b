import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroAddress } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";
import { toPurposeDeclarations, type AgencyPurposeDeclaration } from "./registerAgency.js";

export type DeclareAgencyPurposesParameters = { agency: Address; purposes: readonly AgencyPurposeDeclaration[]; account?: ImiAccount };
export type DeclareAgencyPurposesReturnType = { hash: Hex; blockNumber: number };

/**
 * The governor declares, changes or withdraws (scopes 0) purposes of a registered agency. A narrower
 * declaration does not rewrite consents already given: the gateway refuses their use beyond it.
 */
export async function declareAgencyPurposes(client: ImiBaseClient, p: DeclareAgencyPurposesParameters): Promise<DeclareAgencyPurposesReturnType> {
  const result = await writeContract(client, {
    action: "declareAgencyPurposes",
    account: p.account,
    contract: "agencyRegistry",
    functionName: "declarePurposes",
    args: [toNonZeroAddress("agency", p.agency), toPurposeDeclarations(p.purposes)],
  });
  return { hash: result.hash, blockNumber: result.blockNumber };
}
