import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32, toUint } from "../../internal/validate.js";
import type { Hex, Numberish } from "../../types.js";

export type EndCreditEntryParameters = { entryId: Hex; reason: Numberish; account?: ImiAccount };
export type EndCreditEntryReturnType = { hash: Hex; blockNumber: number };

/** A trusted credit authority ends an entry early without an application (recorded, not deleted). */
export async function endCreditEntry(client: ImiBaseClient, p: EndCreditEntryParameters): Promise<EndCreditEntryReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "endCreditEntry",
    account: p.account,
    contract: "creditRegistry",
    functionName: "endEntry",
    args: [toNonZeroBytes32("entryId", p.entryId), toUint("reason", p.reason, 16)],
  });
  return { hash, blockNumber };
}
