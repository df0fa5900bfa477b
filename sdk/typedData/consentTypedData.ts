// EIP-712 messages the ConsentRegistry accepts (`*BySig`). Pure: usable offline by a wallet.
import { toBytes32, toNonZeroAddress, toNonZeroBytes32, toPositiveUint, toUint } from "../internal/validate.js";
import type { Address, Hex, Numberish } from "../types.js";
import { CONSENT_REGISTRY_DOMAIN_NAME, contractDomain, type ContractDomainParameters } from "./domains.js";
import type { TypedDataDefinition } from "./hashTypedData.js";

export const consentTypes = {
  Grant: [
    { name: "citizen", type: "bytes32" },
    { name: "agency", type: "address" },
    { name: "scopes", type: "uint256" },
    { name: "purpose", type: "bytes32" },
    { name: "validFrom", type: "uint64" },
    { name: "validUntil", type: "uint64" },
    { name: "maxUses", type: "uint32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  Revoke: [
    { name: "consentId", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  Pause: [
    { name: "consentId", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  Resume: [
    { name: "consentId", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  /** The citizen's own key keeps a guardian's grant standing after the guardianship ends. */
  Confirm: [
    { name: "consentId", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** What a citizen consents to: the contract's `GrantRequest`. */
export type GrantRequest = {
  citizen: Hex;
  agency: Address;
  /** Bitmask of data categories (bit i = category i). */
  scopes: Numberish;
  /** Purpose code, e.g. `purposeCode("social-benefits")`. */
  purpose: Hex;
  validFrom: Numberish;
  validUntil: Numberish;
  /** 0 = unlimited. */
  maxUses?: Numberish;
};

export type NormalizedGrantRequest = {
  citizen: Hex;
  agency: Address;
  scopes: bigint;
  purpose: Hex;
  validFrom: bigint;
  validUntil: bigint;
  maxUses: bigint;
};

/** Validates a grant request (types and ranges; the contract checks the rest). */
export function normalizeGrantRequest(r: GrantRequest): NormalizedGrantRequest {
  return {
    citizen: toNonZeroBytes32("citizen", r.citizen),
    agency: toNonZeroAddress("agency", r.agency),
    scopes: toPositiveUint("scopes", r.scopes, 256),
    purpose: toNonZeroBytes32("purpose", r.purpose),
    validFrom: toUint("validFrom", r.validFrom, 64),
    validUntil: toUint("validUntil", r.validUntil, 64),
    maxUses: toUint("maxUses", r.maxUses ?? 0, 32),
  };
}

type Signed = { nonce: Numberish; deadline: Numberish };

export type GrantTypedDataParameters = ContractDomainParameters & Signed & { request: GrantRequest };

export function grantTypedData(p: GrantTypedDataParameters): TypedDataDefinition<"Grant"> {
  return {
    domain: contractDomain(CONSENT_REGISTRY_DOMAIN_NAME, p),
    types: { Grant: consentTypes.Grant },
    primaryType: "Grant",
    message: {
      ...normalizeGrantRequest(p.request),
      nonce: toUint("nonce", p.nonce, 256),
      deadline: toUint("deadline", p.deadline, 256),
    },
  };
}

export type ConsentChangeKind = "Revoke" | "Pause" | "Resume" | "Confirm";
export type ConsentChangeTypedDataParameters = ContractDomainParameters & Signed & { consentId: Hex };

function consentChange<K extends ConsentChangeKind>(kind: K, p: ConsentChangeTypedDataParameters): TypedDataDefinition<K> {
  return {
    domain: contractDomain(CONSENT_REGISTRY_DOMAIN_NAME, p),
    types: { [kind]: consentTypes[kind] },
    primaryType: kind,
    message: {
      consentId: toBytes32("consentId", p.consentId),
      nonce: toUint("nonce", p.nonce, 256),
      deadline: toUint("deadline", p.deadline, 256),
    },
  };
}

export const revokeConsentTypedData = (p: ConsentChangeTypedDataParameters) => consentChange("Revoke", p);
export const pauseConsentTypedData = (p: ConsentChangeTypedDataParameters) => consentChange("Pause", p);
export const resumeConsentTypedData = (p: ConsentChangeTypedDataParameters) => consentChange("Resume", p);
export const confirmConsentTypedData = (p: ConsentChangeTypedDataParameters) => consentChange("Confirm", p);
