// The contract-side decisions, reproduced over the indexed view. They must match
// ConsentRegistry.check and CredentialRegistry.statusOf exactly (a test compares them over many
// cases), because the gateway decides from the view and never asks the chain per request.

/** IConsentRegistry.Decision, same numbers. */
export const Decision = {
  Allowed: 0,
  UnknownGrant: 1,
  WrongAgency: 2,
  WrongCitizen: 3,
  ScopeNotCovered: 4,
  WrongPurpose: 5,
  NotYetValid: 6,
  Expired: 7,
  Paused: 8,
  Revoked: 9,
  CitizenInactive: 10,
  AgencyNotAuthorized: 11,
  GuardianLapsed: 12,
  /** Never decided from the view: the gateway reads the agency's registration itself (routes/access.ts). */
  AgencyNotRegisteredFor: 13,
} as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/** Stable reason codes for each decision, as they appear in access records and error bodies. */
export const DECISION_CODES: Record<Decision, string> = {
  0: "ALLOWED",
  1: "UNKNOWN_GRANT",
  2: "WRONG_AGENCY",
  3: "WRONG_CITIZEN",
  4: "SCOPE_NOT_COVERED",
  5: "WRONG_PURPOSE",
  6: "NOT_YET_VALID",
  7: "EXPIRED",
  8: "CONSENT_PAUSED",
  9: "CONSENT_REVOKED",
  10: "CITIZEN_INACTIVE",
  11: "AGENCY_NOT_AUTHORIZED",
  12: "GUARDIAN_LAPSED",
  13: "AGENCY_NOT_REGISTERED_FOR",
};

/** IConsentRegistry.Lapse: why a consent a guardian granted no longer stands. */
export const Lapse = { None: 0, GuardianRemoved: 1, GuardianExpired: 2, GuardianReplaced: 3 } as const;
export type Lapse = (typeof Lapse)[keyof typeof Lapse];

/** Stable codes for a lapse, as the citizen's consent view shows them. */
export const LAPSE_CODES: Record<Lapse, string | undefined> = {
  0: undefined,
  1: "GUARDIAN_REMOVED",
  2: "GUARDIAN_EXPIRED",
  3: "GUARDIAN_REPLACED",
};

export type LapseInput = {
  byGuardian: boolean;
  /** The citizen's own key confirmed the grant. */
  confirmed: boolean;
  /** `addedAt` (unix s) of the guardianship the grant was made under. */
  guardianSince: bigint;
  /** The granting guardian's record now: `addedAt` 0 when there is none. */
  guardian: { addedAt: bigint; removed: boolean; expiresAt: bigint };
  now: bigint;
};

/** ConsentRegistry._lapse, in the same order of checks. */
export function guardianLapse(i: LapseInput): Lapse {
  if (!i.byGuardian || i.confirmed) return Lapse.None;
  if (i.guardian.addedAt !== i.guardianSince) return Lapse.GuardianReplaced;
  if (i.guardian.removed) return Lapse.GuardianRemoved;
  if (i.now >= i.guardian.expiresAt) return Lapse.GuardianExpired;
  return Lapse.None;
}

/** IConsentRegistry.ConsentStatus. */
export const ConsentStatus = { None: 0, Active: 1, Paused: 2, Revoked: 3 } as const;
export type ConsentStatus = (typeof ConsentStatus)[keyof typeof ConsentStatus];

/** ICredentialRegistry.CredentialStatus. */
export const CredentialStatus = { Unknown: 0, Valid: 1, Revoked: 2, Suspended: 3, Expired: 4, NotYetValid: 5 } as const;
export type CredentialStatus = (typeof CredentialStatus)[keyof typeof CredentialStatus];

/** ICredentialRegistry.IssuerStatus. */
export const IssuerStatus = { None: 0, Active: 1, Suspended: 2, Revoked: 3 } as const;
export type IssuerStatus = (typeof IssuerStatus)[keyof typeof IssuerStatus];

export type GrantTerms = {
  agency: string;
  scopes: bigint;
  purpose: string;
  validFrom: bigint;
  validUntil: bigint;
};

export type DecideInput = {
  terms: GrantTerms;
  citizenMatches: boolean;
  status: ConsentStatus;
  agency: string;
  scopes: bigint;
  purpose: string;
  citizenActive: boolean;
  agencyAuthorized: boolean;
  now: bigint;
};

/** ConsentRegistry._decide, in the same order of checks. Addresses and hashes lower-case. */
export function decide(i: DecideInput): Decision {
  if (i.terms.agency !== i.agency) return Decision.WrongAgency;
  if (!i.citizenMatches) return Decision.WrongCitizen;
  if (!i.citizenActive) return Decision.CitizenInactive;
  if (!i.agencyAuthorized) return Decision.AgencyNotAuthorized;
  if (i.status === ConsentStatus.Revoked) return Decision.Revoked;
  if (i.status === ConsentStatus.Paused) return Decision.Paused;
  if (i.scopes === 0n || (i.scopes & ~i.terms.scopes) !== 0n) return Decision.ScopeNotCovered;
  if (i.purpose !== i.terms.purpose) return Decision.WrongPurpose;
  if (i.now < i.terms.validFrom) return Decision.NotYetValid;
  if (i.now >= i.terms.validUntil) return Decision.Expired;
  return Decision.Allowed;
}

/** CredentialRegistry._effective. */
export function effectiveCredentialStatus(status: IssuerStatus, validFrom: bigint, validUntil: bigint, now: bigint): CredentialStatus {
  if (status === IssuerStatus.Revoked) return CredentialStatus.Revoked;
  if (status === IssuerStatus.Suspended) return CredentialStatus.Suspended;
  if (validUntil !== 0n && now >= validUntil) return CredentialStatus.Expired;
  if (now < validFrom) return CredentialStatus.NotYetValid;
  return CredentialStatus.Valid;
}
