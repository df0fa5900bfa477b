import secp256k1 from "secp256k1";
import { createCustomCommon, Hardfork, Mainnet, type Common, type CustomCrypto } from "@ethereumjs/common";
import { bytesToHex, concatBytes, privateToAddress, setLengthLeft } from "@ethereumjs/util";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { createKeccak, type IHasher } from "hash-wasm";

/**
 * ecrecover through libsecp256k1 (native): sender recovery is the dominant per-transaction
 * cost, and the native library is several times faster than the pure-JS default.
 * Same contract as `@ethereumjs/util` ecrecover: returns the 64-byte public key without prefix.
 */
function nativeEcrecover(msgHash: Uint8Array, v: bigint, r: Uint8Array, s: Uint8Array, chainId?: bigint): Uint8Array {
  const recovery = v === 0n || v === 1n ? v : chainId === undefined ? v - 27n : v - (2n * chainId + 35n);
  if (recovery !== 0n && recovery !== 1n) throw new Error("Invalid signature v value");
  const signature = concatBytes(setLengthLeft(r, 32), setLengthLeft(s, 32));
  const publicKey = secp256k1.ecdsaRecover(signature, Number(recovery), msgHash, false);
  return publicKey.slice(1);
}

/**
 * keccak256 through WebAssembly (hash-wasm): about 7x faster than the pure-JS default on trie
 * nodes, and trie hashing is the largest share of block sealing. One hasher is reused; calls
 * are synchronous, so they never interleave.
 */
let wasmKeccak: IHasher | undefined;

export async function initHashing(): Promise<void> {
  wasmKeccak ??= await createKeccak(256);
}

export function keccak256(data: Uint8Array): Uint8Array {
  const h = wasmKeccak;
  if (h === undefined) return keccak_256(data);
  h.init();
  h.update(data);
  return h.digest("binary");
}

export const customCrypto: CustomCrypto = { ecrecover: nativeEcrecover, keccak256 };

/**
 * EIPs the chain runs on top of its fork. 7951: the P256VERIFY precompile at 0x100 (from Osaka),
 * which citizens' passkey accounts use to check a WebAuthn signature for 6,900 gas instead of
 * OpenZeppelin's Solidity P-256 (see bench/gas.ts). It changes no header field, so chains created
 * before it keep their genesis hash; no earlier transaction called 0x100.
 */
export const CHAIN_EXTRA_EIPS = [7951] as const;

/** The chain's Common: a custom chain id on the configured fork, with native crypto. Call `initHashing` first. */
export function createChainCommon(chainId: number): Common {
  return createCustomCommon({ chainId, name: "imi" }, Mainnet, { hardfork: Hardfork.Cancun, eips: [...CHAIN_EXTRA_EIPS], customCrypto });
}

/** 65 bytes r ‖ s ‖ recovery id over a 32-byte digest. */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  const { signature, recid } = secp256k1.ecdsaSign(digest, privateKey);
  return concatBytes(signature, Uint8Array.of(recid));
}

/** Address (lowercase hex) that produced a 65-byte signature over a digest, or undefined if invalid. */
export function recoverSigner(digest: Uint8Array, signature: Uint8Array): string | undefined {
  if (signature.length !== 65 || signature[64]! > 1) return undefined;
  try {
    const publicKey = secp256k1.ecdsaRecover(signature.subarray(0, 64), signature[64]!, digest, false);
    return bytesToHex(keccak256(publicKey.subarray(1)).subarray(12));
  } catch {
    return undefined;
  }
}

export function addressOfKey(privateKey: Uint8Array): string {
  return bytesToHex(privateToAddress(privateKey));
}

export function isValidPrivateKey(privateKey: Uint8Array): boolean {
  return privateKey.length === 32 && secp256k1.privateKeyVerify(privateKey);
}
