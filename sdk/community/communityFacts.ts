// Community facts (共享社区): the yes/no facts an authority endorses about a resident, and the salted
// commitment the CommunityRegistry keeps instead of the topic and value. Pure: usable offline.
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";
import { InvalidInputError } from "../errors/errors.js";
import { toNonZeroBytes32 } from "../internal/validate.js";
import type { Hex } from "../types.js";

/** The topics, in a fixed order: bit i of a view's scopes in the access log is topic i. */
export const COMMUNITY_FACTS = ["stableEmployment", "noCriminalRecord", "partyMember", "registeredVolunteer"] as const;
export type CommunityFact = (typeof COMMUNITY_FACTS)[number];

/** What a view of `facts` records as its scopes in the access log (the log is off chain; the chain holds only its roots). */
export function communityFactBits(facts: readonly CommunityFact[]): bigint {
  let mask = 0n;
  for (const f of facts) mask |= 1n << BigInt(COMMUNITY_FACTS.indexOf(f));
  return mask;
}

/** The purpose a neighbour's view carries in the access log: keccak256("imi.community/view"). */
export const COMMUNITY_VIEW_PURPOSE = keccak256(toUtf8Bytes("imi.community/view")) as Hex;

/** The topics set in a view's scopes. */
export function communityFactsOf(bits: bigint | string): CommunityFact[] {
  const mask = BigInt(bits);
  return COMMUNITY_FACTS.filter((_, i) => (mask >> BigInt(i)) & 1n);
}

/** Throws INVALID_COMMUNITY_FACT unless `name` is one of {@link COMMUNITY_FACTS}. */
export function toCommunityFact(field: string, name: unknown): CommunityFact {
  if (typeof name !== "string" || !(COMMUNITY_FACTS as readonly string[]).includes(name))
    throw new InvalidInputError("INVALID_COMMUNITY_FACT", field, `Expected one of ${COMMUNITY_FACTS.join(", ")}.`);
  return name as CommunityFact;
}

/** The topic's id inside a commitment: keccak256("imi.community/<name>"). */
export function communityTopicId(fact: CommunityFact): Hex {
  return keccak256(toUtf8Bytes(`imi.community/${fact}`)) as Hex;
}

/**
 * keccak256(abi.encode(resident, topic, value, salt)): what CommunityRegistry.attest stores. The
 * salt (32 random bytes) keeps a yes/no fact from being guessed by hashing both answers.
 */
export function communityFactCommitment(p: { resident: Hex; fact: CommunityFact; value: boolean; salt: Hex }): Hex {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "bytes32", "bool", "bytes32"],
      [toNonZeroBytes32("resident", p.resident), communityTopicId(toCommunityFact("fact", p.fact)), p.value === true, toNonZeroBytes32("salt", p.salt)],
    ),
  ) as Hex;
}

/** Why a neighbour may or may not see a fact (CommunityRegistry.ViewDecision, by index), as the gateway's codes. */
export const COMMUNITY_VIEW_CODES = [
  "ALLOWED",
  "UNKNOWN_SHARE",
  "WRONG_VIEWER",
  "RESIDENT_INACTIVE",
  "VIEWER_NOT_CITIZEN",
  "SHARE_REVOKED",
  "SHARE_EXPIRED",
  "FACT_NOT_SHARED",
  "FACT_REVOKED",
  "FACT_EXPIRED",
] as const;
export type CommunityViewCode = (typeof COMMUNITY_VIEW_CODES)[number];
