// The gateway's data categories by scope bit, and their names for people.
import { DEFAULT_CATEGORIES } from "../../node/gateway/config.js";

export const CATEGORIES: readonly string[] = DEFAULT_CATEGORIES;

export function scopeNames(mask: bigint | string): string[] {
  const m = BigInt(mask);
  const out: string[] = [];
  for (let i = 0; i < 256; i++) if ((m >> BigInt(i)) & 1n) out.push(CATEGORIES[i] ?? `#${i}`);
  return out;
}
