// An enterprise on the command line: its unified social credit code or its 32-byte id.
import { enterpriseIdOf, enterpriseScopesOf, InvalidInputError, type Hex } from "@imi-ledger/sdk";
import { usage } from "../../internal/errors.js";

/** The enterprise id of `<code|id>`; a mistyped code is refused with INVALID_CREDIT_CODE. */
export function enterpriseArg(option: string, value: string): Hex {
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase() as Hex;
  try {
    return enterpriseIdOf(value);
  } catch (error) {
    if (error instanceof InvalidInputError) throw usage(error.code, `${option}: ${error.shortMessage}`);
    throw error;
  }
}

/** ENTERPRISE_SCOPES bits of a comma-separated list of names (`consent,tracker`); undefined when not given. */
export function enterpriseScopesArg(option: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  try {
    return enterpriseScopesOf(value.split(",").filter((s) => s.trim() !== ""));
  } catch (error) {
    if (error instanceof InvalidInputError) throw usage(error.code, `${option}: ${error.shortMessage}`);
    throw error;
  }
}
