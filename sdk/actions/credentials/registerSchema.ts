import { keccak256, toUtf8Bytes } from "ethers";
import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { InvalidInputError } from "../../errors/errors.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

/** A schema's id: keccak256 of its schema document (a JSON Schema text, say). */
export function schemaIdOf(document: string): Hex {
  return keccak256(toUtf8Bytes(document)) as Hex;
}

export type RegisterSchemaParameters = {
  /** The schema id; or give `document` and it is {@link schemaIdOf}(document). */
  schemaId?: Hex;
  document?: string;
  name: string;
  version: string;
  account?: ImiAccount;
};
export type RegisterSchemaReturnType = { hash: Hex; blockNumber: number; schemaId: Hex };

/** The governor registers a credential schema. */
export async function registerSchema(client: ImiBaseClient, p: RegisterSchemaParameters): Promise<RegisterSchemaReturnType> {
  const schemaId = p.schemaId !== undefined ? toNonZeroBytes32("schemaId", p.schemaId) : p.document !== undefined ? schemaIdOf(p.document) : undefined;
  if (!schemaId) throw new InvalidInputError("INVALID_HASH", "schemaId", "Pass schemaId or the schema document.");
  if (typeof p.name !== "string" || p.name.length === 0) throw new InvalidInputError("INVALID_NAME", "name", "The schema name must not be empty.");
  const { hash, blockNumber } = await writeContract(client, {
    action: "registerSchema",
    account: p.account,
    contract: "credentialRegistry",
    functionName: "registerSchema",
    args: [schemaId, p.name, String(p.version ?? "")],
  });
  return { hash, blockNumber, schemaId };
}
