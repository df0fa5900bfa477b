import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress, toNonZeroBytes32, toUint } from "../../internal/validate.js";
import type { Address, Hex, Numberish } from "../../types.js";

export type GetAgencyExcessScopesParameters = { agency: Address; purpose: Hex; scopes: Numberish };
/** `excess`: the asked categories the agency did not register for the purpose (0n: within its registration). */
export type GetAgencyExcessScopesReturnType = { excess: bigint; registered: bigint };

/** What of `scopes` lies beyond `agency`'s registration for `purpose` (an unregistered agency: all of it). */
export async function getAgencyExcessScopes(client: ImiBaseClient, p: GetAgencyExcessScopesParameters): Promise<GetAgencyExcessScopesReturnType> {
  const agency = toAddress("agency", p.agency);
  const purpose = toNonZeroBytes32("purpose", p.purpose);
  const scopes = toUint("scopes", p.scopes, 256);
  const registered = BigInt((await readContract(client, { contract: "agencyRegistry", functionName: "scopesFor", args: [agency, purpose] })) as bigint);
  return { excess: scopes & ~registered, registered };
}
