// Input checks shared by builders and actions. Each throws a named error with a stable code
// before anything is signed or sent.
import { getAddress, isHexString } from "ethers";
import {
  ChainMismatchError,
  InvalidAddressError,
  InvalidHashError,
  InvalidNumberError,
  InvalidSignatureError,
} from "../errors/errors.js";
import type { Address, Hex } from "../types.js";

export function toAddress(field: string, value: unknown): Address {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value)) throw new InvalidAddressError(field, value);
  try {
    return getAddress(value) as Address;
  } catch {
    throw new InvalidAddressError(field, value);
  }
}

export function toNonZeroAddress(field: string, value: unknown): Address {
  const address = toAddress(field, value);
  if (/^0x0{40}$/.test(address)) throw new InvalidAddressError(field, value);
  return address;
}

export function toBytes32(field: string, value: unknown): Hex {
  if (typeof value !== "string" || !isHexString(value, 32)) throw new InvalidHashError(field, value);
  return value.toLowerCase() as Hex;
}

export function toNonZeroBytes32(field: string, value: unknown): Hex {
  const hash = toBytes32(field, value);
  if (/^0x0{64}$/.test(hash)) throw new InvalidHashError(field, value, "must not be zero");
  return hash;
}

export function toHex(field: string, value: unknown): Hex {
  if (typeof value !== "string" || !isHexString(value)) throw new InvalidHashError(field, value, "must be 0x-prefixed hex");
  return value.toLowerCase() as Hex;
}

/** An unsigned integer that fits `bits` bits. Accepts bigint, safe integers and decimal strings. */
export function toUint(field: string, value: unknown, bits: number): bigint {
  let n: bigint;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === "string" && /^(0|[1-9][0-9]*)$/.test(value)) n = BigInt(value);
  else throw new InvalidNumberError(field, value, "must be an integer");
  if (n < 0n || n >= 1n << BigInt(bits)) throw new InvalidNumberError(field, value, `must fit uint${bits}`);
  return n;
}

export function toPositiveUint(field: string, value: unknown, bits: number): bigint {
  const n = toUint(field, value, bits);
  if (n === 0n) throw new InvalidNumberError(field, value, "must not be zero");
  return n;
}

export function toChainId(field: string, value: unknown): number {
  const n = toUint(field, value, 53);
  if (n === 0n) throw new InvalidNumberError(field, value, "must be a positive chain id");
  return Number(n);
}

export function expectChain(field: string, expected: number, actual: number): void {
  if (expected !== actual) throw new ChainMismatchError(field, expected, actual);
}

/** A 65-byte r‖s‖v signature with low s (what the contracts accept). */
export function toSignature(field: string, value: unknown): Hex {
  if (typeof value !== "string" || !isHexString(value, 65)) throw new InvalidSignatureError(field, "must be 65 bytes of hex");
  const s = BigInt("0x" + value.slice(66, 130));
  if (s > SECP256K1_HALF_N) throw new InvalidSignatureError(field, "high-s signatures are refused");
  const v = parseInt(value.slice(130, 132), 16);
  if (v !== 27 && v !== 28) throw new InvalidSignatureError(field, "v must be 27 or 28");
  return value.toLowerCase() as Hex;
}

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
