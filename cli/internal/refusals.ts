// Why something was refused, in the words a clerk at the service window would use. The stable code
// (the gateway's reason code or the contract's error name) stays beside the words: scripts and
// support staff match the code, people read the words.

const WORDS: Record<string, string> = {
  // Access decisions (the gateway's reason codes, the same in access records).
  UNKNOWN_CITIZEN: "no citizen is registered under this id",
  IdentityRegistryUnknownIdentity: "no citizen is registered under this id",
  UNKNOWN_GRANT: "there is no consent for this: the citizen has not given one, or its id is wrong",
  ConsentRegistryUnknownConsent: "there is no consent with this id",
  WRONG_AGENCY: "the citizen gave this consent to a different agency",
  WRONG_CITIZEN: "this consent belongs to a different citizen",
  SCOPE_NOT_COVERED: "the consent does not cover this category of data",
  SCOPE_MISMATCH: "the request asks for a category of data the consent does not cover",
  UNKNOWN_CATEGORY: "no such data category",
  WRONG_PURPOSE: "the citizen gave this consent for a different purpose",
  NOT_YET_VALID: "the consent is not valid yet",
  EXPIRED: "the consent has expired",
  CONSENT_PAUSED: "the citizen has paused this consent",
  CONSENT_REVOKED: "the citizen has withdrawn this consent",
  CITIZEN_INACTIVE: "the citizen's identity is deactivated",
  IDENTITY_INACTIVE: "the citizen's identity is deactivated",
  IdentityRegistryInactiveIdentity: "the citizen's identity is deactivated",
  ConsentRegistryInactiveCitizen: "the citizen's identity is deactivated",
  AGENCY_NOT_AUTHORIZED: "this agency is not authorised (the governor grants the agency role)",
  NOT_AN_AGENCY: "this key is not an authorised agency (the governor grants the agency role)",
  ConsentRegistryNotAnAgency: "that account is not an authorised agency (the governor grants the agency role)",
  GUARDIAN_LAPSED: "the guardian who gave this consent no longer acts for the citizen",
  USE_LIMIT_REACHED: "the consent has been used as many times as it allows",
  ConsentRegistryUseLimitReached: "the consent has been used as many times as it allows",
  NO_RECORD: "the vault holds no record of this category for the citizen",
  // Guardians.
  ConsentRegistryUnauthorized: "this key may not act for the citizen here: it is not theirs, or a guardian outside its scope",
  IdentityRegistryUnauthorized: "this key may not act for the citizen here: it is not theirs, or a guardian outside its scope",
  IdentityRegistryNotGuardian: "this key is not a guardian of the citizen",
  IdentityRegistryGuardianActive: "the citizen has this guardian already",
  GUARDIAN_REMOVED: "the guardian was removed",
  GUARDIAN_EXPIRED: "the guardianship has ended",
  // Roles and keys.
  AccessManagerUnauthorizedAccount: "this key does not hold the role this needs (roles: only the governor)",
  AccessManagedUnauthorized: "this key does not hold the role this needs (the governor grants roles)",
  ROLE_NOT_HELD: "this key does not hold the role this needs (the governor grants roles)",
  WRONG_ROLE: "this key does not hold the role this needs (the governor grants roles)",
  NO_ROLE: "this key holds no role on this ledger (the governor grants roles)",
  NOT_CONTROLLER: "this key does not control that identity",
  IdentityRegistryNotController: "this key does not control that identity",
  ConsentRegistryNotController: "this key does not control that identity",
  TX_REJECTED: "the chain does not accept transactions from this key (the governor admits accounts)",
  // Registration.
  KEY_IN_USE: "this key already belongs to another citizen",
  IdentityRegistryKeyInUse: "this key already belongs to another citizen",
  CITIZEN_EXISTS: "this citizen id is registered already",
  IdentityRegistryAlreadyRegistered: "this citizen id is registered already",
  DUPLICATE_CONTROLLER: "the same key appears twice in the file",
  INVALID_BIRTH_DATE: "the birth date is not a real past day",
  INVALID_ADDRESS: "the key address is not valid",
  CHAIN_REFUSED: "the chain refused it; nothing was kept",
  // Not now, rather than no.
  RATE_LIMITED: "the gateway is receiving too many requests from this account; wait a minute",
  INDEX_BEHIND: "the gateway is still catching up with the chain; try again in a moment",
  CHAIN_UNAVAILABLE: "the chain cannot be reached; nothing was done",
  SESSION_EXPIRED: "the login has expired; run the command again",
  GATEWAY_UNREACHABLE: "the gateway does not answer; is the node running (imi up)?",
  NODE_UNREACHABLE: "the node does not answer; is it running (imi up)?",
};

/** The reason behind a refusal code in plain words, when the code is one a person meets. */
export function reasonWords(code: string): string | undefined {
  return WORDS[code];
}

/** "words (CODE)", or the code alone when it has no words yet. */
export function reasonText(code: string): string {
  const words = WORDS[code];
  return words ? `${words} (${code})` : code;
}
