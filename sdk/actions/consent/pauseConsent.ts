import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import {
  changeConsent,
  signConsentChange,
  type ConsentChangeParameters,
  type ConsentChangeReturnType,
  type SignConsentChangeParameters,
} from "../../internal/consentChange.js";
import type { SignedAction } from "../../internal/signing.js";

export type PauseConsentParameters = ConsentChangeParameters;
export type PauseConsentReturnType = ConsentChangeReturnType;

/** Pauses an active consent: directly (citizen key or covering guardian) or by relaying their signature. */
export function pauseConsent(client: ImiBaseClient, p: PauseConsentParameters): Promise<PauseConsentReturnType> {
  return changeConsent(client, "Pause", p);
}

export type SignPauseConsentParameters = SignConsentChangeParameters;

/** The citizen (or guardian) signs a `Pause` for a relayer. */
export function signPauseConsent(client: ImiBaseClient, p: SignPauseConsentParameters): Promise<SignedAction<"Pause">> {
  return signConsentChange(client, "Pause", p);
}
