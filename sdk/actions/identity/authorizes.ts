import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress, toBytes32, toUint } from "../../internal/validate.js";
import type { Address, Hex, Numberish } from "../../types.js";

export type AuthorizesParameters = { citizen: Hex; actor: Address; scopes: Numberish };
export type AuthorizesReturnType = { allowed: boolean; asGuardian: boolean };

/** May `actor` act now for `citizen` over `scopes`, as controller or guardian? */
export function authorizes(client: ImiBaseClient, p: AuthorizesParameters): Promise<AuthorizesReturnType> {
  return readContract(client, {
    contract: "identityRegistry",
    functionName: "authorizes",
    args: [toBytes32("citizen", p.citizen), toAddress("actor", p.actor), toUint("scopes", p.scopes, 256)],
  });
}
