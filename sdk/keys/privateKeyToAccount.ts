import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { computeAddress, hashMessage } from "ethers";
import { InvalidKeyError } from "../errors/errors.js";
import { toBytes32 } from "../internal/validate.js";
import { hashTypedData, type TypedDataDefinition } from "../typedData/hashTypedData.js";
import type { Address, Hex } from "../types.js";

/** A key held in memory by this process (a wallet app, an agency back-end). Signs with @noble/curves. */
export type LocalAccount = {
  readonly type: "local";
  readonly address: Address;
  /** Uncompressed public key, 65 bytes. */
  readonly publicKey: Hex;
  /** Signs a 32-byte digest as-is: 65-byte r‖s‖v, low s, v 27/28. */
  signDigest(digest: Hex): Hex;
  /** Signs EIP-712 typed data (the digest of {@link hashTypedData}). */
  signTypedData(typedData: TypedDataDefinition): Hex;
  /** Signs an EIP-191 personal message. */
  signMessage(message: string | Uint8Array): Hex;
  /** The raw private key. Handle with care; prefer {@link encryptKeystore}. */
  exportPrivateKey(): Hex;
};

/** A fresh random private key (from the platform's CSPRNG). */
export function generatePrivateKey(): Hex {
  return `0x${bytesToHex(secp256k1.utils.randomSecretKey())}`;
}

/** An account for a private key. Throws INVALID_KEY for anything that is not a valid secp256k1 scalar. */
export function privateKeyToAccount(privateKey: Hex): LocalAccount {
  let secret: Uint8Array;
  try {
    secret = hexToBytes(toBytes32("privateKey", privateKey).slice(2));
  } catch (cause) {
    throw new InvalidKeyError("must be 32 bytes of hex", { cause });
  }
  if (!secp256k1.utils.isValidSecretKey(secret)) throw new InvalidKeyError("out of the curve's range");
  const publicKey = `0x${bytesToHex(secp256k1.getPublicKey(secret, false))}` as Hex;
  const address = computeAddress(publicKey) as Address;

  function signDigest(digest: Hex): Hex {
    const msg = hexToBytes(toBytes32("digest", digest).slice(2));
    // noble's "recovered" format is recovery ‖ r ‖ s; Ethereum wants r ‖ s ‖ (27 + recovery).
    const sig = secp256k1.sign(msg, secret, { prehash: false, format: "recovered", lowS: true });
    return `0x${bytesToHex(sig.subarray(1))}${(27 + sig[0]).toString(16)}` as Hex;
  }

  return Object.freeze({
    type: "local" as const,
    address,
    publicKey,
    signDigest,
    signTypedData: (typedData: TypedDataDefinition) => signDigest(hashTypedData(typedData)),
    signMessage: (message: string | Uint8Array) => signDigest(hashMessage(message) as Hex),
    exportPrivateKey: () => `0x${bytesToHex(secret)}` as Hex,
  });
}
