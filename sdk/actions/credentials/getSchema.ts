import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress, toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type GetSchemaParameters = { schemaId: Hex; /** Also answer whether this issuer is trusted for it. */ issuer?: Address };
export type GetSchemaReturnType = {
  name: string;
  version: string;
  registeredAt: bigint;
  deprecatedAt: bigint;
  issuerTrusted?: boolean;
};

export async function getSchema(client: ImiBaseClient, p: GetSchemaParameters): Promise<GetSchemaReturnType> {
  const schemaId = toBytes32("schemaId", p.schemaId);
  const schema = await readContract(client, { contract: "credentialRegistry", functionName: "getSchema", args: [schemaId] });
  if (p.issuer === undefined) return schema;
  const issuerTrusted = await readContract(client, {
    contract: "credentialRegistry",
    functionName: "isTrustedIssuer",
    args: [schemaId, toAddress("issuer", p.issuer)],
  });
  return { ...schema, issuerTrusted };
}
