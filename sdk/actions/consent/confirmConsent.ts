import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { eventOf, writeContract, type WriteOptions } from "../../internal/contractCall.js";
import { signConsentChange, type SignConsentChangeParameters } from "../../internal/consentChange.js";
import { checkAuthorization, type Authorization, type SignedAction } from "../../internal/signing.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type ConfirmConsentParameters = WriteOptions & { consentId: Hex; authorization?: Authorization; account?: ImiAccount };
export type ConfirmConsentReturnType = { hash: Hex; blockNumber: number; confirmedBy: Hex };

/**
 * The citizen's own key confirms a consent a guardian granted, so it does not lapse with the
 * guardianship: directly or by relaying the citizen's signature (`confirmBySig`).
 */
export async function confirmConsent(client: ImiBaseClient, p: ConfirmConsentParameters): Promise<ConfirmConsentReturnType> {
  const consentId = toNonZeroBytes32("consentId", p.consentId);
  const result = await writeContract(client, {
    action: "confirmConsent",
    account: p.account,
    gas: p.gas,
    contract: "consentRegistry",
    ...(p.authorization
      ? { functionName: "confirmBySig", args: [consentId, await checkAuthorization(client, p.authorization)] }
      : { functionName: "confirm", args: [consentId] }),
  });
  return { hash: result.hash, blockNumber: result.blockNumber, confirmedBy: eventOf(result, "consentRegistry", "ConsentConfirmed").confirmedBy };
}

export type SignConfirmConsentParameters = SignConsentChangeParameters;

/** The citizen signs a `Confirm` for a relayer. */
export function signConfirmConsent(client: ImiBaseClient, p: SignConfirmConsentParameters): Promise<SignedAction<"Confirm">> {
  return signConsentChange(client, "Confirm", p);
}
