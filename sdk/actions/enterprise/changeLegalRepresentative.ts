import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type ChangeLegalRepresentativeParameters = { enterprise: Hex; legalRepresentative: Hex; account?: ImiAccount };
export type ChangeLegalRepresentativeReturnType = { hash: Hex; blockNumber: number };

/** The counter records a new legal representative (a change in the business register). */
export async function changeLegalRepresentative(client: ImiBaseClient, p: ChangeLegalRepresentativeParameters): Promise<ChangeLegalRepresentativeReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "changeLegalRepresentative",
    account: p.account,
    contract: "enterpriseRegistry",
    functionName: "changeLegalRepresentative",
    args: [toNonZeroBytes32("enterprise", p.enterprise), toNonZeroBytes32("legalRepresentative", p.legalRepresentative)],
  });
  return { hash, blockNumber };
}
