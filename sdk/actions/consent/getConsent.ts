import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export const CONSENT_STATUS = ["none", "active", "paused", "revoked"] as const;
export type ConsentStatus = (typeof CONSENT_STATUS)[number];
/** `IConsentRegistry.Lapse`: why a guardian's grant no longer stands ("none": it stands, or the citizen confirmed it). */
export const CONSENT_LAPSES = ["none", "guardianRemoved", "guardianExpired", "guardianReplaced"] as const;
export type ConsentLapse = (typeof CONSENT_LAPSES)[number];

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
  /** A guardian's grant lapses when its guardianship ends, unless the citizen confirmed it: then no access is allowed under it. */
  lapse: ConsentLapse;
};

export type GetConsentParameters = { consentId: Hex };
export type GetConsentReturnType = Consent;

/** A consent as stored (status "none" when unknown). */
export async function getConsent(client: ImiBaseClient, p: GetConsentParameters): Promise<GetConsentReturnType> {
  const consentId = toBytes32("consentId", p.consentId);
  const raw = await readContract(client, { contract: "consentRegistry", functionName: "getConsent", args: [consentId] });
  // Only a guardian's unconfirmed grant can lapse: the others need no second call.
  const lapse = raw.byGuardian && raw.confirmedAt === 0n ? CONSENT_LAPSES[Number(await readContract(client, { contract: "consentRegistry", functionName: "lapseOf", args: [consentId] }))] : "none";
  return { ...raw, consentId, status: CONSENT_STATUS[Number(raw.status)], lapse };
}
