// The unified social credit code (统一社会信用代码, GB 32100-2015) and the enterprise id derived from it.
// One definition for the counter's CLI, the gateway and the web app; the contract's enterpriseIdOf
// computes the same id (test/contracts/EnterpriseRegistry.test.ts holds the two equal).
import { AbiCoder, keccak256 } from "ethers";
import { InvalidInputError } from "../errors/errors.js";
import type { Hex } from "../types.js";

/** The 31 characters GB 32100-2015 allows (no I, O, S, V, Z), in the order of their values. */
const CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** The check character for the first 17 characters of a code. */
export function uscCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CHARSET.indexOf(first17[i]);
    if (value < 0) throw new InvalidInputError("INVALID_CREDIT_CODE", "code", `"${first17[i]}" is not allowed in a unified social credit code.`);
    sum += value * WEIGHTS[i];
  }
  return CHARSET[(31 - (sum % 31)) % 31];
}

/**
 * The code in its registered form (trimmed, upper case), after checking length, characters and the
 * check character. Throws INVALID_CREDIT_CODE otherwise.
 */
export function normalizeCreditCode(code: string): string {
  const c = typeof code === "string" ? code.trim().toUpperCase() : "";
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(c)) {
    throw new InvalidInputError("INVALID_CREDIT_CODE", "code", "A unified social credit code has 18 characters: digits and capital letters except I, O, S, V and Z.");
  }
  if (uscCheckCharacter(c.slice(0, 17)) !== c[17]) {
    throw new InvalidInputError("INVALID_CREDIT_CODE", "code", "The check character of this unified social credit code does not match: a character was mistyped.");
  }
  return c;
}

/** The enterprise id on chain: keccak256(abi.encode("IMI enterprise", code)) of the normalized code. */
export function enterpriseIdOf(code: string): Hex {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["string", "string"], ["IMI enterprise", normalizeCreditCode(code)])) as Hex;
}

/**
 * What a representative may do for an enterprise (bits of the scopes on chain). The legal
 * representative holds every scope; staff hold the ones the legal representative gave them.
 * The CreditRegistry contract reads `credit` (ENTERPRISE_SCOPE_CREDIT).
 */
export const ENTERPRISE_SCOPES = {
  /** Grant, pause, resume and revoke the enterprise's consents. */
  consent: 1n << 0n,
  /** Read the enterprise's access records (the tracker). */
  tracker: 1n << 1n,
  /** File credit-repair applications. */
  credit: 1n << 2n,
  /** Prove the enterprise's identity (one code). */
  identity: 1n << 3n,
} as const;

export type EnterpriseScopeName = keyof typeof ENTERPRISE_SCOPES;

/** Scope names to bits; throws INVALID_SCOPES for an unknown name or none. */
export function enterpriseScopesOf(names: readonly string[]): bigint {
  if (names.length === 0) throw new InvalidInputError("INVALID_SCOPES", "scopes", `Name at least one scope: ${Object.keys(ENTERPRISE_SCOPES).join(", ")}.`);
  let bits = 0n;
  for (const name of names) {
    const bit = ENTERPRISE_SCOPES[name.trim() as EnterpriseScopeName];
    if (bit === undefined) throw new InvalidInputError("INVALID_SCOPES", "scopes", `Unknown scope "${name}": use ${Object.keys(ENTERPRISE_SCOPES).join(", ")}.`);
    bits |= bit;
  }
  return bits;
}

/** The scope names set in `bits`. */
export function enterpriseScopeNames(bits: bigint): EnterpriseScopeName[] {
  return (Object.keys(ENTERPRISE_SCOPES) as EnterpriseScopeName[]).filter((n) => (bits & ENTERPRISE_SCOPES[n]) !== 0n);
}
