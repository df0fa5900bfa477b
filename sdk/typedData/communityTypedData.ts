// EIP-712 messages the CommunityRegistry accepts (`shareBySig`, `revokeShareBySig`). Pure: usable offline by a wallet.
import { InvalidInputError } from "../errors/errors.js";
import { toNonZeroBytes32, toUint } from "../internal/validate.js";
import type { Hex, Numberish } from "../types.js";
import { contractDomain, type ContractDomainParameters } from "./domains.js";
import type { TypedDataDefinition } from "./hashTypedData.js";

export const COMMUNITY_REGISTRY_DOMAIN_NAME = "IMI CommunityRegistry";

export const communityTypes = {
  Share: [
    { name: "resident", type: "bytes32" },
    { name: "neighbour", type: "bytes32" },
    { name: "facts", type: "bytes32[]" },
    { name: "validUntil", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  RevokeShare: [
    { name: "shareId", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** As CommunityRegistry.MAX_FACTS. */
export const MAX_SHARED_FACTS = 8;

type Signed = { nonce: Numberish; deadline: Numberish };

export type ShareRequest = { resident: Hex; neighbour: Hex; facts: readonly Hex[]; validUntil: Numberish };

/** Normalises a share request; throws INVALID_FACTS for none, too many or repeated facts (the contract would refuse them). */
export function toShareRequest(r: ShareRequest): { resident: Hex; neighbour: Hex; facts: Hex[]; validUntil: bigint } {
  if (!Array.isArray(r.facts) || r.facts.length === 0 || r.facts.length > MAX_SHARED_FACTS)
    throw new InvalidInputError("INVALID_FACTS", "facts", `Share 1 to ${MAX_SHARED_FACTS} facts.`);
  const facts = r.facts.map((f, i) => toNonZeroBytes32(`facts[${i}]`, f).toLowerCase() as Hex);
  if (new Set(facts).size !== facts.length) throw new InvalidInputError("INVALID_FACTS", "facts", "A fact is named twice.");
  return {
    resident: toNonZeroBytes32("resident", r.resident),
    neighbour: toNonZeroBytes32("neighbour", r.neighbour),
    facts,
    validUntil: toUint("validUntil", r.validUntil, 64),
  };
}

export type ShareTypedDataParameters = ContractDomainParameters & Signed & { request: ShareRequest };

export function shareTypedData(p: ShareTypedDataParameters): TypedDataDefinition<"Share"> {
  return {
    domain: contractDomain(COMMUNITY_REGISTRY_DOMAIN_NAME, p),
    types: { Share: communityTypes.Share },
    primaryType: "Share",
    message: { ...toShareRequest(p.request), nonce: toUint("nonce", p.nonce, 256), deadline: toUint("deadline", p.deadline, 256) },
  };
}

export type RevokeShareTypedDataParameters = ContractDomainParameters & Signed & { shareId: Hex };

export function revokeShareTypedData(p: RevokeShareTypedDataParameters): TypedDataDefinition<"RevokeShare"> {
  return {
    domain: contractDomain(COMMUNITY_REGISTRY_DOMAIN_NAME, p),
    types: { RevokeShare: communityTypes.RevokeShare },
    primaryType: "RevokeShare",
    message: { shareId: toNonZeroBytes32("shareId", p.shareId), nonce: toUint("nonce", p.nonce, 256), deadline: toUint("deadline", p.deadline, 256) },
  };
}
