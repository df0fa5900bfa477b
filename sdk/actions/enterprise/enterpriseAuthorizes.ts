import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress, toBytes32, toUint } from "../../internal/validate.js";
import type { Address, Hex, Numberish } from "../../types.js";

export type EnterpriseAuthorizesParameters = { enterprise: Hex; actor: Address; scopes: Numberish };
export type EnterpriseAuthorizesReturnType = { allowed: boolean; citizen: Hex; asLegalRepresentative: boolean };

/** Whether a key may act for an enterprise within scopes now, and as whom. */
export async function enterpriseAuthorizes(client: ImiBaseClient, p: EnterpriseAuthorizesParameters): Promise<EnterpriseAuthorizesReturnType> {
  return readContract(client, {
    contract: "enterpriseRegistry",
    functionName: "authorizes",
    args: [toBytes32("enterprise", p.enterprise), toAddress("actor", p.actor), toUint("scopes", p.scopes, 256)],
  });
}
