// The gateway's data categories by scope bit, and their names for people (the SDK owns both).
import { DEFAULT_CATEGORIES, scopeNames as sdkScopeNames } from "@imi-ledger/sdk";

export const CATEGORIES: readonly string[] = DEFAULT_CATEGORIES;

export function scopeNames(mask: bigint | string): string[] {
  return sdkScopeNames(mask, CATEGORIES);
}
