import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { getEvents } from "../../internal/contractCall.js";
import { toAddress } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type AnchoredLogBatch = {
  gateway: Address;
  batchIndex: bigint;
  root: Hex;
  count: bigint;
  firstSeq: bigint;
  lastSeq: bigint;
  previousRoot: Hex;
  blockNumber: number;
  transactionHash: Hex;
};

export type GetLogBatchesParameters = { gateway: Address; fromBlock?: number };
export type GetLogBatchesReturnType = AnchoredLogBatch[];

/** Every batch a gateway anchored, in order (walked from `BatchAnchored` events). */
export async function getLogBatches(client: ImiBaseClient, p: GetLogBatchesParameters): Promise<GetLogBatchesReturnType> {
  const gateway = toAddress("gateway", p.gateway);
  const events = await getEvents(client, { contract: "accessLog", eventName: "BatchAnchored", topics: [gateway], fromBlock: p.fromBlock });
  return events.map((e) => ({
    ...(e.args as Omit<AnchoredLogBatch, "blockNumber" | "transactionHash">),
    blockNumber: e.blockNumber,
    transactionHash: e.transactionHash,
  }));
}
