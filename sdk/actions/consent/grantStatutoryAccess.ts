import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { eventOf, writeContract } from "../../internal/contractCall.js";
import { toBytes32, toNonZeroAddress, toNonZeroBytes32, toPositiveUint, toUint } from "../../internal/validate.js";
import type { Address, Hex, Numberish } from "../../types.js";

export type GrantStatutoryAccessParameters = {
  /** Zero hash (or omitted) = every citizen. */
  citizen?: Hex;
  agency: Address;
  scopes: Numberish;
  purpose: Hex;
  /** Legal-basis code, e.g. `code("tax-act-s12")`. */
  legalBasis: Hex;
  validFrom: Numberish;
  validUntil: Numberish;
  account?: ImiAccount;
};
export type GrantStatutoryAccessReturnType = { hash: Hex; blockNumber: number; grantId: Hex };

/** The governor grants statutory (non-consent) access; always public and flagged for review. */
export async function grantStatutoryAccess(
  client: ImiBaseClient,
  p: GrantStatutoryAccessParameters,
): Promise<GrantStatutoryAccessReturnType> {
  const result = await writeContract(client, {
    action: "grantStatutoryAccess",
    account: p.account,
    contract: "consentRegistry",
    functionName: "grantStatutory",
    args: [
      toBytes32("citizen", p.citizen ?? `0x${"0".repeat(64)}`),
      toNonZeroAddress("agency", p.agency),
      toPositiveUint("scopes", p.scopes, 256),
      toNonZeroBytes32("purpose", p.purpose),
      toNonZeroBytes32("legalBasis", p.legalBasis),
      toUint("validFrom", p.validFrom, 64),
      toUint("validUntil", p.validUntil, 64),
    ],
  });
  return { hash: result.hash, blockNumber: result.blockNumber, grantId: eventOf(result, "consentRegistry", "StatutoryAccessGranted").grantId };
}
