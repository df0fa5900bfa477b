// Small pure helpers for codes, ids and commitments.
import { randomBytes } from "@noble/hashes/utils.js";
import { AbiCoder, hexlify, keccak256, toUtf8Bytes } from "ethers";
import { InvalidInputError } from "./errors/errors.js";
import { toBytes32 } from "./internal/validate.js";
import type { Hex } from "./types.js";

/** 32 random bytes from the platform CSPRNG: identity ids, salts, request nonces. */
export function randomBytes32(): Hex {
  return hexlify(randomBytes(32)) as Hex;
}

/** A bytes32 code for a short name: keccak256(utf8(name)). Purposes, reasons, topics, legal bases. */
export function code(name: string): Hex {
  if (typeof name !== "string" || name.length === 0) throw new InvalidInputError("INVALID_CODE", "name", "A code needs a non-empty name.");
  return keccak256(toUtf8Bytes(name)) as Hex;
}

/** Alias of {@link code} for consent purposes, e.g. `purposeCode("social-benefits")`. */
export const purposeCode = code;

/** A scope bitmask from data-category ids (bit i = category i). */
export function scopesOf(categories: readonly number[]): bigint {
  let mask = 0n;
  for (const c of categories) {
    if (!Number.isInteger(c) || c < 0 || c > 255) throw new InvalidInputError("INVALID_SCOPES", "categories", `Category ${c} is not in 0..255.`);
    mask |= 1n << BigInt(c);
  }
  return mask;
}

/** The category ids set in a scope bitmask. */
export function categoriesOf(scopes: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < 256; i++) if ((scopes >> BigInt(i)) & 1n) out.push(i);
  return out;
}

/**
 * The commitment a registrar puts on chain for an off-chain record: keccak256(abi.encode(salt,
 * keccak256(utf8(canonical JSON of the record)))). Keys are sorted so equal records commit equally.
 */
export function recordCommitment(record: Record<string, unknown>, salt: Hex): Hex {
  const digest = keccak256(toUtf8Bytes(canonicalJson(record)));
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [toBytes32("salt", salt), digest])) as Hex;
}

/** JSON with object keys sorted recursively (bigints as decimal strings). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  return value;
}
