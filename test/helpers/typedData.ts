// EIP-712 helpers for the contract tests: the typed data a wallet signs, and ways to damage a signature.
import { Signature, type Signer, type TypedDataField, keccak256, toUtf8Bytes } from "ethers";
import { consentTypes } from "@imi-ledger/sdk";
import { identityTypes } from "@imi-ledger/sdk";

// The type tables are the SDK's (which a test checks against the contracts' type strings).
export const IDENTITY_TYPES: Record<string, readonly TypedDataField[]> = identityTypes;
export const CONSENT_TYPES: Record<string, readonly TypedDataField[]> = consentTypes;

export type Domain = { name: string; version: string; chainId: bigint; verifyingContract: string };

export function domainOf(name: string, chainId: bigint, verifyingContract: string): Domain {
  return { name, version: "1", chainId, verifyingContract };
}

/** Signs one primary type out of a type table (ethers wants only the types reachable from it). */
export async function signTyped(
  signer: Signer,
  domain: Domain,
  types: Record<string, readonly TypedDataField[]>,
  primaryType: string,
  message: Record<string, unknown>,
): Promise<string> {
  return signer.signTypedData(domain, { [primaryType]: [...types[primaryType]] }, message);
}

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The same signature with s replaced by n - s and v flipped: valid for ecrecover, refused by OpenZeppelin. */
export function toHighS(signature: string): string {
  const sig = Signature.from(signature);
  const highS = SECP256K1_N - BigInt(sig.s);
  const v = sig.v === 27 ? 28 : 27;
  return "0x" + sig.r.slice(2) + highS.toString(16).padStart(64, "0") + v.toString(16);
}

/** The 64-byte EIP-2098 compact form of a signature. */
export function toCompact(signature: string): string {
  return Signature.from(signature).compactSerialized;
}

export function code(text: string): string {
  return keccak256(toUtf8Bytes(text));
}
