// The EIP-712 message a person is asked to sign, in words: which contract on which chain, and each
// field with its meaning (category names for scopes, dates for times, "unlimited" for 0 uses).
import type { TypedDataDefinition } from "@imi-ledger/sdk";
import { isoTime } from "./output.js";
import { scopeNames } from "./parse.js";

const TITLES: Record<string, string> = {
  Grant: "GRANT consent",
  Revoke: "REVOKE consent (final)",
  Pause: "PAUSE consent",
  Resume: "RESUME consent",
  Confirm: "CONFIRM a consent your guardian granted (it stays after the guardianship ends)",
};

const TIMES = new Set(["validFrom", "validUntil", "deadline", "expiresAt", "issuedAt"]);

export function describeTypedData(typed: TypedDataDefinition, names: Record<string, string> = {}): string[] {
  const d = typed.domain;
  const fields = typed.types[typed.primaryType] ?? [];
  const width = Math.max(...fields.map((f) => f.name.length));
  const lines = [
    `You are asked to sign ${TITLES[typed.primaryType] ?? typed.primaryType}:`,
    `  domain    ${d.name} v${d.version}, chain ${d.chainId}${d.verifyingContract ? `, contract ${d.verifyingContract}` : ""}`,
  ];
  for (const field of fields) {
    const value = (typed.message as Record<string, unknown>)[field.name];
    let text = String(value);
    if (field.name === "scopes") text = `${scopeNames(BigInt(value as bigint)).join(", ")} (bitmask ${value})`;
    else if (TIMES.has(field.name)) text = `${isoTime(value as bigint)}${field.name === "deadline" ? " (this signature is void after)" : ""}`;
    else if (field.name === "maxUses") text = BigInt(value as bigint) === 0n ? "unlimited" : `${value} reads`;
    if (names[field.name]) text = `${names[field.name]} (${text})`;
    lines.push(`  ${field.name.padEnd(width)}  ${text}`);
  }
  return lines;
}
