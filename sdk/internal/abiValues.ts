import { ParamType, type Result } from "ethers";

/** Turns ethers' decoded values into plain objects / arrays (bigint, hex strings, booleans). */
export function toPlain(type: ParamType, value: unknown): unknown {
  if (type.isTuple()) {
    const result = value as Result;
    return Object.fromEntries(type.components.map((c, i) => [c.name || String(i), toPlain(c, result[i])]));
  }
  if (type.isArray()) return Array.from(value as Result, (v) => toPlain(type.arrayChildren, v));
  return typeof value === "string" ? (value.startsWith("0x") && value.length !== 42 ? value.toLowerCase() : value) : value;
}

export function resultToObject(types: readonly ParamType[], result: Result): Record<string, unknown> {
  return Object.fromEntries(types.map((t, i) => [t.name || String(i), toPlain(t, result[i])]));
}
