import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { getEvents, readContract } from "../../internal/contractCall.js";
import type { Hex } from "../../types.js";
import { CREDIT_LIST_KINDS, type CreditListKind } from "./defineCreditList.js";

export type CreditList = { schemaId: Hex; name: string; version: string; kind: CreditListKind; published: boolean; definedAt: bigint };
export type GetCreditListsParameters = { fromBlock?: number };
export type GetCreditListsReturnType = CreditList[];

/** Every red and black list the governor defined, with its schema's name (walked from `CreditListDefined`). */
export async function getCreditLists(client: ImiBaseClient, p: GetCreditListsParameters = {}): Promise<GetCreditListsReturnType> {
  const events = await getEvents(client, { contract: "creditRegistry", eventName: "CreditListDefined", fromBlock: p.fromBlock ?? client.deployment.fromBlock });
  return Promise.all(
    events.map(async (e) => {
      const schemaId = String(e.args.schemaId).toLowerCase() as Hex;
      const [list, schema] = await Promise.all([
        readContract(client, { contract: "creditRegistry", functionName: "getList", args: [schemaId] }),
        readContract(client, { contract: "credentialRegistry", functionName: "getSchema", args: [schemaId] }),
      ]);
      return { schemaId, name: schema.name, version: schema.version, kind: CREDIT_LIST_KINDS[Number(list.kind)] as CreditListKind, published: list.published, definedAt: list.definedAt };
    }),
  );
}
