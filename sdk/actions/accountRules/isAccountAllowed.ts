import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress } from "../../internal/validate.js";
import type { Address } from "../../types.js";

export type IsAccountAllowedParameters = { address: Address };
export type IsAccountAllowedReturnType = boolean;

/** Whether the chain admits transactions from `address`. */
export function isAccountAllowed(client: ImiBaseClient, p: IsAccountAllowedParameters): Promise<IsAccountAllowedReturnType> {
  return readContract(client, { contract: "accountRules", functionName: "isAllowed", args: [toAddress("address", p.address)] });
}
