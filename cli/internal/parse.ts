// Command-line values checked before anything is signed or sent. Each failure is a usage error
// with a stable code naming the option.
import { getAddress, isHexString } from "ethers";
import { code, GRANTABLE_ROLE_NAMES, IMI_ROLE_NAMES, IMI_ROLES, type ImiRoleName } from "@imi-ledger/sdk";
import type { Address, Hex } from "@imi-ledger/sdk";
import { CATEGORIES } from "./categories.js";
import { usage } from "./errors.js";

export { CATEGORIES, scopeNames } from "./categories.js";

/** The roles the governor grants, by name; the ids are the SDK's (IMI_ROLES). */
export type RoleName = Exclude<ImiRoleName, "governor">;
export const ROLES = Object.fromEntries(GRANTABLE_ROLE_NAMES.map((name) => [name, IMI_ROLES[name]])) as { readonly [K in RoleName]: (typeof IMI_ROLES)[K] };
export const ROLE_NAMES: Record<number, string> = Object.fromEntries(IMI_ROLE_NAMES.map((name) => [IMI_ROLES[name], name]));

export function address(option: string, value: string | undefined): Address {
  if (value === undefined || value === "") throw usage("INVALID_ADDRESS", `${option}: missing; give an account address (0x + 40 hex digits)`);
  try {
    return getAddress(value.toLowerCase() === value || value.toUpperCase() === value ? value.toLowerCase() : value) as Address;
  } catch {
    throw usage("INVALID_ADDRESS", `${option}: ${JSON.stringify(value)} is not an account address (0x + 40 hex digits)`);
  }
}

export function bytes32(option: string, value: string | undefined): Hex {
  if (value === undefined || !isHexString(value, 32) || /^0x0{64}$/.test(value))
    throw usage("INVALID_ID", `${option}: ${JSON.stringify(value ?? "")} is not a 32-byte id (0x + 64 hex digits)`);
  return value.toLowerCase() as Hex;
}

/** A purpose name ("social-benefits", hashed like the SDK's purposeCode) or its 32-byte code. */
export function purpose(value: string | undefined): { code: Hex; name?: string } {
  if (value === undefined || value.trim() === "") throw usage("INVALID_PURPOSE", "--purpose: missing; name the purpose, e.g. social-benefits");
  if (value.startsWith("0x")) return { code: bytes32("--purpose", value) };
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(value)) throw usage("INVALID_PURPOSE", `--purpose: ${JSON.stringify(value)}: use letters, digits, dots and dashes`);
  return { code: code(value), name: value };
}

/** "address,income" or "2,5" → a scope bitmask over the gateway's data categories. */
export function scopes(value: string | undefined): bigint {
  if (value === undefined || value.trim() === "") throw usage("INVALID_SCOPES", `--scopes: missing; name categories from ${CATEGORIES.join(", ")}`);
  let mask = 0n;
  for (const raw of value.split(",")) {
    const part = raw.trim().toLowerCase();
    const index = /^\d+$/.test(part) ? Number(part) : CATEGORIES.indexOf(part);
    if (index < 0 || index >= CATEGORIES.length) throw usage("INVALID_SCOPES", `--scopes: unknown category ${JSON.stringify(raw.trim())}; use ${CATEGORIES.join(", ")}`);
    mask |= 1n << BigInt(index);
  }
  return mask;
}

/** "30d", "12h", "90m", "3600s" or plain seconds. */
export function duration(option: string, value: string): number {
  const m = /^(\d{1,9})([smhd]?)$/.exec(value.trim());
  if (!m) throw usage("INVALID_DURATION", `${option}: ${JSON.stringify(value)}: give a duration such as 30d, 12h, 90m or 3600`);
  const n = Number(m[1]) * { "": 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as "" | "s" | "m" | "h" | "d"];
  if (n <= 0) throw usage("INVALID_DURATION", `${option}: must be longer than zero`);
  return n;
}

export function integer(option: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min || n > max) throw usage("INVALID_NUMBER", `${option}: give a whole number from ${min} to ${max}`);
  return n;
}

/** An ISO date/time or unix seconds → unix milliseconds. */
export function time(option: string, value: string): number {
  if (/^\d{1,12}$/.test(value)) return Number(value) * 1000;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw usage("INVALID_TIME", `${option}: ${JSON.stringify(value)}: give an ISO date (2026-01-31, 2026-01-31T08:00Z) or unix seconds`);
  return t;
}

export function role(value: string): RoleName {
  const name = value.toLowerCase();
  if (name in ROLES) return name as RoleName;
  const byId = Object.entries(ROLES).find(([, id]) => String(id) === value);
  if (byId) return byId[0] as RoleName;
  throw usage("INVALID_ROLE", `role ${JSON.stringify(value)}: use one of ${Object.keys(ROLES).join(", ")}`);
}
