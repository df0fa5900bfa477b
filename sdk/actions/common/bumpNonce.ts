import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { eventOf, writeContract } from "../../internal/contractCall.js";
import type { Hex } from "../../types.js";
import type { SigningContract } from "./getNonce.js";

export type BumpNonceParameters = { contract: SigningContract; account?: ImiAccount };
export type BumpNonceReturnType = { hash: Hex; blockNumber: number; newNonce: bigint };

/** Cancels every signature the account made for `contract` and that nobody relayed yet. */
export async function bumpNonce(client: ImiBaseClient, p: BumpNonceParameters): Promise<BumpNonceReturnType> {
  const result = await writeContract(client, { action: "bumpNonce", account: p.account, contract: p.contract, functionName: "bumpNonce" });
  return { hash: result.hash, blockNumber: result.blockNumber, newNonce: eventOf(result, p.contract, "NonceBumped").newNonce };
}
