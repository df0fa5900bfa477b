// Data categories by scope bit: bit i of a consent's scope bitmask selects category i. These are
// the defaults every IMI gateway starts with; a deployment may configure its own list (the gateway
// publishes it), so code that reads a mask takes the list as a parameter and falls back to these.
import { InvalidInputError } from "../errors/errors.js";

// The last three are an enterprise's records (any subject may hold them): its licence, its tax standing,
// its inspections; appended, so the bits of the first eight never move.
export const DEFAULT_CATEGORIES = ["identity", "birth", "address", "contact", "health", "income", "family", "credentials", "licence", "tax", "inspection"] as const;
export type DefaultCategory = (typeof DEFAULT_CATEGORIES)[number];

/** The category names set in a scope bitmask; a bit with no name shows as `#i`. */
export function scopeNames(scopes: bigint | number | string, categories: readonly string[] = DEFAULT_CATEGORIES): string[] {
  const mask = BigInt(scopes);
  const out: string[] = [];
  for (let i = 0; i < 256; i++) if ((mask >> BigInt(i)) & 1n) out.push(categories[i] ?? `#${i}`);
  return out;
}

/** A scope bitmask from category names; throws INVALID_SCOPES for a name not in `categories`. */
export function scopesFromNames(names: readonly string[], categories: readonly string[] = DEFAULT_CATEGORIES): bigint {
  let mask = 0n;
  for (const name of names) {
    const bit = categories.indexOf(name);
    if (bit < 0) throw new InvalidInputError("INVALID_SCOPES", "categories", `Unknown data category ${name}: use one of ${categories.join(", ")}.`);
    mask |= 1n << BigInt(bit);
  }
  return mask;
}
