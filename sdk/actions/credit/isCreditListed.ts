import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type IsCreditListedParameters = { subject: Hex; schemaId: Hex };
export type IsCreditListedReturnType = boolean;

/** Whether a subject has an entry listed now on a list (read straight from the chain). */
export async function isCreditListed(client: ImiBaseClient, p: IsCreditListedParameters): Promise<IsCreditListedReturnType> {
  return readContract(client, { contract: "creditRegistry", functionName: "isListed", args: [toBytes32("subject", p.subject), toBytes32("schemaId", p.schemaId)] });
}
