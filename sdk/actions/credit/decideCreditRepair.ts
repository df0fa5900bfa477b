import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toPositiveUint, toUint } from "../../internal/validate.js";
import type { Hex, Numberish } from "../../types.js";

export type DecideCreditRepairParameters = { repairId: Numberish; approve: boolean; reason: Numberish; account?: ImiAccount };
export type DecideCreditRepairReturnType = { hash: Hex; blockNumber: number };

/** A credit authority trusted for the entry's list approves (the entry ends) or rejects an application. */
export async function decideCreditRepair(client: ImiBaseClient, p: DecideCreditRepairParameters): Promise<DecideCreditRepairReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "decideCreditRepair",
    account: p.account,
    contract: "creditRegistry",
    functionName: "decideRepair",
    args: [toPositiveUint("repairId", p.repairId, 256), p.approve === true, toUint("reason", p.reason, 16)],
  });
  return { hash, blockNumber };
}
