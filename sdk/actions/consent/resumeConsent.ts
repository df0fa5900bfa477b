import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import {
  changeConsent,
  signConsentChange,
  type ConsentChangeParameters,
  type ConsentChangeReturnType,
  type SignConsentChangeParameters,
} from "../../internal/consentChange.js";
import type { SignedAction } from "../../internal/signing.js";

export type ResumeConsentParameters = ConsentChangeParameters;
export type ResumeConsentReturnType = ConsentChangeReturnType;

/** Resumes a paused consent: directly (citizen key or covering guardian) or by relaying their signature. */
export function resumeConsent(client: ImiBaseClient, p: ResumeConsentParameters): Promise<ResumeConsentReturnType> {
  return changeConsent(client, "Resume", p);
}

export type SignResumeConsentParameters = SignConsentChangeParameters;

/** The citizen (or guardian) signs a `Resume` for a relayer. */
export function signResumeConsent(client: ImiBaseClient, p: SignResumeConsentParameters): Promise<SignedAction<"Resume">> {
  return signConsentChange(client, "Resume", p);
}
