// The yes/no questions answered from a record's own fields, in one place: the gateway evaluates them
// on its own vault, and a department evaluates them at its source (vaultHttpPlugin), the same way.
import type { Predicate } from "@imi-ledger/sdk";
import type { CitizenRecord } from "./Vault.js";

/** The category each record predicate reads (hasValidCredential reads the chain's index, not a record). */
export const PREDICATE_CATEGORIES = {
  ageAtLeast: "birth",
  residentOf: "address",
  hasValidCredential: "credentials",
  licenceValid: "licence",
  taxInGoodStanding: "tax",
} as const satisfies Record<Predicate["type"], string>;

export type RecordPredicate = Exclude<Predicate, { type: "hasValidCredential" }>;

/** Whole years from birthDate (YYYY-MM-DD) to `now`, in UTC; undefined for a malformed date. */
export function ageOn(birthDate: string, now: Date): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < mo || (now.getUTCMonth() + 1 === mo && now.getUTCDate() < d)) age -= 1;
  return age;
}

/** The answer from the record, or undefined when the record lacks the field (no answer is guessed). */
export function evaluatePredicate(record: CitizenRecord | undefined, predicate: RecordPredicate, nowMs: number): boolean | undefined {
  if (predicate.type === "ageAtLeast") {
    const birthDate = record?.birth?.birthDate;
    const age = typeof birthDate === "string" ? ageOn(birthDate, new Date(nowMs)) : undefined;
    return age === undefined ? undefined : age >= predicate.years;
  }
  if (predicate.type === "licenceValid") return licenceValid(record?.licence, predicate.kind, nowMs);
  if (predicate.type === "taxInGoodStanding") {
    const standing = record?.tax?.standing;
    return typeof standing === "string" ? standing === "good" : undefined;
  }
  const district = record?.address?.district;
  return typeof district === "string" ? district === predicate.district : undefined;
}

/**
 * A licence record `{ number, kind, validUntil: YYYY-MM-DD, status: valid | suspended | revoked }` is
 * valid on `now` (UTC date) when its status is "valid" and `now` is not after validUntil; when `kind`
 * is asked, only a licence of that kind counts.
 */
function licenceValid(licence: CitizenRecord[string] | undefined, kind: string | undefined, nowMs: number): boolean | undefined {
  const { status, validUntil } = licence ?? {};
  if (typeof status !== "string" || typeof validUntil !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(validUntil)) return undefined;
  if (kind !== undefined && licence?.kind !== kind) return false;
  return status === "valid" && new Date(nowMs).toISOString().slice(0, 10) <= validUntil;
}
