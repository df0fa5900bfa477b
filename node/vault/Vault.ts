import { NodeError } from "../NodeError.js";
import type { PartStatus } from "../storage/StoreHealth.js";

/** One field value of a citizen record. Records hold only these, so they serialize canonically. */
export type FieldValue = string | number | boolean;

/** A citizen's record: data category name -> fields, e.g. `{ birth: { birthDate: "2001-04-30" } }`. */
export type CitizenRecord = Record<string, Record<string, FieldValue>>;

/**
 * Where citizen records live. The gateway asks for exactly the categories an access covers and
 * never more. Implementations: {@link LevelVault} (encrypted LevelDB), {@link HttpVault} (a
 * department's own system answering over HTTP).
 */
export interface Vault {
  /** Stores (replaces) the record. Resolves once it is durable. */
  put(citizen: string, record: CitizenRecord): Promise<void>;
  /**
   * Stores many records in one durable write: all of them or none. Optional; a caller without it
   * puts one at a time.
   */
  putMany?(entries: ReadonlyArray<{ citizen: string; record: CitizenRecord }>): Promise<void>;
  /** Forgets many citizens in one durable write (the undo of {@link putMany}). Optional. */
  eraseMany?(citizens: readonly string[]): Promise<void>;
  /** The listed categories of the record (all when omitted); undefined for an unknown citizen. */
  get(citizen: string, categories?: readonly string[]): Promise<CitizenRecord | undefined>;
  /** Forgets the citizen for good. Resolves true if there was something to erase. */
  erase(citizen: string): Promise<boolean>;
  close(): Promise<void>;
  /** Whether a local store can write (for /readyz); a remote vault answers per request instead. */
  status?(): PartStatus;
}

/** Vault errors: VAULT_UNAVAILABLE (storage or remote system failed), VAULT_INVALID_RECORD, VAULT_CORRUPT. */
export class VaultError extends NodeError {}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Checks a record's shape: plain objects of plain values, sane names, bounded size. */
export function validateRecord(record: unknown): CitizenRecord {
  const fail = (why: string) => new VaultError("VAULT_INVALID_RECORD", `The record is not acceptable: ${why}.`);
  if (typeof record !== "object" || record === null || Array.isArray(record)) throw fail("not an object");
  const out: CitizenRecord = {};
  for (const [category, fields] of Object.entries(record)) {
    if (!NAME.test(category)) throw fail(`category name ${JSON.stringify(category)}`);
    if (typeof fields !== "object" || fields === null || Array.isArray(fields)) throw fail(`category ${category} is not an object`);
    const clean: Record<string, FieldValue> = {};
    for (const [name, value] of Object.entries(fields)) {
      if (!NAME.test(name)) throw fail(`field name ${JSON.stringify(name)}`);
      if (!["string", "number", "boolean"].includes(typeof value)) throw fail(`field ${category}.${name} is not a string, number or boolean`);
      if (typeof value === "string" && value.length > 4_096) throw fail(`field ${category}.${name} is too long`);
      clean[name] = value as FieldValue;
    }
    out[category] = clean;
  }
  return out;
}

export function pick(record: CitizenRecord, categories?: readonly string[]): CitizenRecord {
  if (!categories) return record;
  const out: CitizenRecord = {};
  for (const c of categories) if (Object.hasOwn(record, c)) out[c] = record[c];
  return out;
}
