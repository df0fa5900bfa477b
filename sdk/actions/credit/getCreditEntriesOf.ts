import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type GetCreditEntriesOfParameters = { subject: Hex; schemaId: Hex };
export type GetCreditEntriesOfReturnType = readonly Hex[];

/** The ids of every entry ever recorded for a subject on one list, oldest first. */
export async function getCreditEntriesOf(client: ImiBaseClient, p: GetCreditEntriesOfParameters): Promise<GetCreditEntriesOfReturnType> {
  return readContract(client, { contract: "creditRegistry", functionName: "entriesOf", args: [toBytes32("subject", p.subject), toBytes32("schemaId", p.schemaId)] });
}
