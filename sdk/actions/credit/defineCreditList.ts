import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import { InvalidInputError } from "../../errors/errors.js";
import type { Hex } from "../../types.js";

/** The two kinds of credit list: red (守信激励) and black (失信惩戒). */
export const CREDIT_LIST_KINDS = ["none", "red", "black"] as const;
export type CreditListKind = Exclude<(typeof CREDIT_LIST_KINDS)[number], "none">;

export type DefineCreditListParameters = {
  /** A schema registered in the CredentialRegistry. */
  schemaId: Hex;
  kind: CreditListKind;
  /** Publicly viewable (公示): its entries' published fields are served by the public lookup. */
  published: boolean;
  account?: ImiAccount;
};
export type DefineCreditListReturnType = { hash: Hex; blockNumber: number };

/** The governor declares a credential schema a red or black list, public or not. */
export async function defineCreditList(client: ImiBaseClient, p: DefineCreditListParameters): Promise<DefineCreditListReturnType> {
  const kind = CREDIT_LIST_KINDS.indexOf(p.kind);
  if (kind < 1) throw new InvalidInputError("INVALID_LIST_KIND", "kind", 'A credit list is "red" or "black".');
  const { hash, blockNumber } = await writeContract(client, {
    action: "defineCreditList",
    account: p.account,
    contract: "creditRegistry",
    functionName: "defineList",
    args: [toNonZeroBytes32("schemaId", p.schemaId), kind, p.published === true],
  });
  return { hash, blockNumber };
}
