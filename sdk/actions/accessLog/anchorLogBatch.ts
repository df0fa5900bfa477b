import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { eventOf, writeContract } from "../../internal/contractCall.js";
import { toBytes32, toNonZeroBytes32, toUint } from "../../internal/validate.js";
import type { Hex, Numberish } from "../../types.js";

export type AnchorLogBatchParameters = {
  root: Hex;
  count: Numberish;
  firstSeq: Numberish;
  lastSeq: Numberish;
  /** The gateway's previous root (zero for its first batch). */
  previousRoot: Hex;
  account?: ImiAccount;
};
export type AnchorLogBatchReturnType = { hash: Hex; batchIndex: bigint; blockNumber: number };

/** A gateway anchors a batch of its access log (see `buildAccessLogBatch`). */
export async function anchorLogBatch(client: ImiBaseClient, p: AnchorLogBatchParameters): Promise<AnchorLogBatchReturnType> {
  const result = await writeContract(client, {
    action: "anchorLogBatch",
    account: p.account,
    contract: "accessLog",
    functionName: "anchor",
    args: [
      toNonZeroBytes32("root", p.root),
      toUint("count", p.count, 64),
      toUint("firstSeq", p.firstSeq, 64),
      toUint("lastSeq", p.lastSeq, 64),
      toBytes32("previousRoot", p.previousRoot),
    ],
  });
  return { hash: result.hash, batchIndex: eventOf(result, "accessLog", "BatchAnchored").batchIndex, blockNumber: result.blockNumber };
}
