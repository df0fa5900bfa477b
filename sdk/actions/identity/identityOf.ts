import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type IdentityOfParameters = { key: Address };
/** The identity the key controls now, or null. */
export type IdentityOfReturnType = Hex | null;

export async function identityOf(client: ImiBaseClient, p: IdentityOfParameters): Promise<IdentityOfReturnType> {
  const id = await readContract(client, { contract: "identityRegistry", functionName: "identityOf", args: [toAddress("key", p.key)] });
  return /^0x0{64}$/.test(id) ? null : id;
}
