// The one relay step behind every signed citizen action the gateway submits (consents, guardians,
// rotation, recovery cancel): decide only from a fresh index, send, map refusals to coded errors,
// and answer once the transaction's block is in the index, so the next request already sees it.
import { ContractRevertError, ImiError, type Hex } from "@imi-ledger/sdk";
import { GatewayError, unavailable } from "../errors.js";
import type { GatewayContext } from "./GatewayContext.js";

/** An EIP-712 authorization as it arrives in a JSON body (the deadline as a decimal string). */
export type AuthorizationBody = { signer: Hex; deadline: string; signature: Hex };

export const authorizationOf = (a: AuthorizationBody) => ({ signer: a.signer, deadline: BigInt(a.deadline), signature: a.signature });

export async function relaySigned<T extends { hash: string; blockNumber?: number }>(ctx: GatewayContext, send: () => Promise<T>): Promise<T & { blockNumber: number }> {
  await ctx.catchUp();
  ctx.assertFresh();
  let result: T;
  try {
    result = await send();
  } catch (error) {
    if (error instanceof ContractRevertError) throw new GatewayError("CHAIN_REFUSED", 422, `The contract refused: ${error.errorName}.`, { details: { errorName: error.errorName } });
    if (error instanceof ImiError && (error.code.startsWith("INVALID") || error.code === "DEADLINE_EXPIRED")) throw new GatewayError(error.code, 400, error.shortMessage);
    throw unavailable("CHAIN_UNAVAILABLE", "The transaction could not be relayed.", error);
  }
  // The SDK's writes answer with their block; asked for only when an action does not say it.
  const blockNumber = typeof result.blockNumber === "number" ? result.blockNumber : await receiptBlock(ctx, result.hash);
  await ctx.options.indexer.waitForBlock(blockNumber);
  return { ...result, blockNumber };
}

async function receiptBlock(ctx: GatewayContext, hash: string): Promise<number> {
  const receipt = await ctx.relay.request<{ blockNumber: string } | null>("eth_getTransactionReceipt", [hash]);
  return receipt ? Number(BigInt(receipt.blockNumber)) : 0;
}
