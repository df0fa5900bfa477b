import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { eventOf, writeContract, type WriteOptions } from "../../internal/contractCall.js";
import { checkAuthorization, signAction, type Authorization, type SignedAction } from "../../internal/signing.js";
import { grantTypedData, normalizeGrantRequest, type GrantRequest } from "../../typedData/consentTypedData.js";
import type { Hex, Numberish } from "../../types.js";

export type GrantConsentParameters = WriteOptions & {
  request: GrantRequest;
  /** Relay a citizen's (or guardian's) signature from {@link signGrantConsent} (`grantBySig`). */
  authorization?: Authorization;
  account?: ImiAccount;
};
export type GrantConsentReturnType = { hash: Hex; blockNumber: number; consentId: Hex };

/** Grants a consent: directly by the citizen's key or a guardian, or by relaying their signature. */
export async function grantConsent(client: ImiBaseClient, p: GrantConsentParameters): Promise<GrantConsentReturnType> {
  const r = normalizeGrantRequest(p.request);
  const request = [r.citizen, r.agency, r.scopes, r.purpose, r.validFrom, r.validUntil, r.maxUses];
  const result = await writeContract(client, {
    action: "grantConsent",
    account: p.account,
    gas: p.gas,
    contract: "consentRegistry",
    ...(p.authorization
      ? { functionName: "grantBySig", args: [request, await checkAuthorization(client, p.authorization)] }
      : { functionName: "grant", args: [request] }),
  });
  return { hash: result.hash, blockNumber: result.blockNumber, consentId: eventOf(result, "consentRegistry", "ConsentGranted").consentId };
}

export type SignGrantConsentParameters = { request: GrantRequest; deadline?: Numberish; account?: ImiAccount };

/** The citizen (or guardian) signs a `Grant` for a relayer; returns the authorization and what was signed. */
export function signGrantConsent(client: ImiBaseClient, p: SignGrantConsentParameters): Promise<SignedAction<"Grant">> {
  return signAction(client, {
    action: "signGrantConsent",
    contract: "consentRegistry",
    account: p.account,
    deadline: p.deadline,
    build: (d) => grantTypedData({ ...d, request: p.request }),
  });
}
