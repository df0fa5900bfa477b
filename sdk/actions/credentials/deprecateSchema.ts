import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type DeprecateSchemaParameters = { schemaId: Hex; account?: ImiAccount };
export type DeprecateSchemaReturnType = { hash: Hex; blockNumber: number };

/** The governor stops new anchoring under a schema. */
export async function deprecateSchema(client: ImiBaseClient, p: DeprecateSchemaParameters): Promise<DeprecateSchemaReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "deprecateSchema",
    account: p.account,
    contract: "credentialRegistry",
    functionName: "deprecateSchema",
    args: [toNonZeroBytes32("schemaId", p.schemaId)],
  });
  return { hash, blockNumber };
}
