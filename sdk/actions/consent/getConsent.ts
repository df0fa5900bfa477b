import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export const CONSENT_STATUS = ["none", "active", "paused", "revoked"] as const;
export type ConsentStatus = (typeof CONSENT_STATUS)[number];

export type Consent = {
  consentId: Hex;
  citizen: Hex;
  agency: Address;
  scopes: bigint;
  purpose: Hex;
  validFrom: bigint;
  validUntil: bigint;
  maxUses: bigint;
  status: ConsentStatus;
  byGuardian: boolean;
  grantedAt: bigint;
  updatedAt: bigint;
  grantedBy: Address;
  /** For a guardian's grant: when the guardianship it stands on began (it lapses if that one ends). */
  guardianSince: bigint;
  /** When the citizen's own key confirmed a guardian's grant (0: not confirmed). */
  confirmedAt: bigint;
  /** Uses counted on chain (limited consents: every gateway counts here). */
  uses: bigint;
};

export type GetConsentParameters = { consentId: Hex };
export type GetConsentReturnType = Consent;

/** A consent as stored (status "none" when unknown). */
export async function getConsent(client: ImiBaseClient, p: GetConsentParameters): Promise<GetConsentReturnType> {
  const consentId = toBytes32("consentId", p.consentId);
  const raw = await readContract(client, { contract: "consentRegistry", functionName: "getConsent", args: [consentId] });
  return { ...raw, consentId, status: CONSENT_STATUS[Number(raw.status)] };
}
