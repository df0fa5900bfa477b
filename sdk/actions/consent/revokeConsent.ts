import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import {
  changeConsent,
  signConsentChange,
  type ConsentChangeParameters,
  type ConsentChangeReturnType,
  type SignConsentChangeParameters,
} from "../../internal/consentChange.js";
import type { SignedAction } from "../../internal/signing.js";

export type RevokeConsentParameters = ConsentChangeParameters;
export type RevokeConsentReturnType = ConsentChangeReturnType;

/** Revokes a consent for good: directly (citizen key or covering guardian) or by relaying their signature. */
export function revokeConsent(client: ImiBaseClient, p: RevokeConsentParameters): Promise<RevokeConsentReturnType> {
  return changeConsent(client, "Revoke", p);
}

export type SignRevokeConsentParameters = SignConsentChangeParameters;

/** The citizen (or guardian) signs a `Revoke` for a relayer. */
export function signRevokeConsent(client: ImiBaseClient, p: SignRevokeConsentParameters): Promise<SignedAction<"Revoke">> {
  return signConsentChange(client, "Revoke", p);
}
