import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import { enterpriseIdOf } from "../../enterprise/unifiedSocialCreditCode.js";
import type { Hex } from "../../types.js";

export type RegisterEnterpriseParameters = {
  /** The unified social credit code; the enterprise id on chain is derived from it ({@link enterpriseIdOf}). */
  code: string;
  /** Salted hash of the enterprise's record in the vault (see `recordCommitment`). */
  commitment: Hex;
  /** The citizen id of the legal representative (a registered citizen). */
  legalRepresentative: Hex;
  account?: ImiAccount;
};
export type RegisterEnterpriseReturnType = { hash: Hex; blockNumber: number; enterprise: Hex };

/** The legal-person counter registers an enterprise with its legal representative. */
export async function registerEnterprise(client: ImiBaseClient, p: RegisterEnterpriseParameters): Promise<RegisterEnterpriseReturnType> {
  const enterprise = enterpriseIdOf(p.code);
  const { hash, blockNumber } = await writeContract(client, {
    action: "registerEnterprise",
    account: p.account,
    contract: "enterpriseRegistry",
    functionName: "register",
    args: [enterprise, toNonZeroBytes32("commitment", p.commitment), toNonZeroBytes32("legalRepresentative", p.legalRepresentative)],
  });
  return { hash, blockNumber, enterprise };
}
