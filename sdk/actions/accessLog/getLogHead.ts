import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type GetLogHeadParameters = { gateway: Address };
export type GetLogHeadReturnType = { root: Hex; lastSeq: bigint; batches: bigint; anchoredAt: bigint };

/** The head of a gateway's chain of batches (zero root before its first batch). */
export function getLogHead(client: ImiBaseClient, p: GetLogHeadParameters): Promise<GetLogHeadReturnType> {
  return readContract(client, { contract: "accessLog", functionName: "headOf", args: [toAddress("gateway", p.gateway)] });
}
