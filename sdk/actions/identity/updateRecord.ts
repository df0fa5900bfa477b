import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { InvalidNumberError } from "../../errors/errors.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32, toUint } from "../../internal/validate.js";
import type { Hex, Numberish } from "../../types.js";

export type UpdateRecordParameters = { citizen: Hex; commitment: Hex; level: Numberish; account?: ImiAccount };
export type UpdateRecordReturnType = { hash: Hex; blockNumber: number };

/** A registrar records a new commitment and level (the off-chain record changed). */
export async function updateRecord(client: ImiBaseClient, p: UpdateRecordParameters): Promise<UpdateRecordReturnType> {
  const level = toUint("level", p.level, 8);
  if (level < 1n || level > 3n) throw new InvalidNumberError("level", p.level, "must be 1, 2 or 3");
  const { hash, blockNumber } = await writeContract(client, {
    action: "updateRecord",
    account: p.account,
    contract: "identityRegistry",
    functionName: "updateRecord",
    args: [toNonZeroBytes32("citizen", p.citizen), toNonZeroBytes32("commitment", p.commitment), level],
  });
  return { hash, blockNumber };
}
