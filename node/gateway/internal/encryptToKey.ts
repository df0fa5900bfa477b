// Encrypting an answer to the agency's own secp256k1 key (ECIES): an ephemeral key agrees a secret
// with the agency's public key (ECDH), HKDF-SHA256 derives the symmetric key, XChaCha20-Poly1305
// seals the JSON. Only the holder of the agency's private key can read it, not a TLS terminator or
// a log. Written here because no maintained ECIES package covers secp256k1 + XChaCha with
// @noble primitives; each step is a library call.
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { randomBytes } from "@noble/ciphers/utils.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";

const INFO = new TextEncoder().encode("IMI gateway response v1");

export type EncryptedPayload = { alg: "ECDH-secp256k1+HKDF-SHA256+XChaCha20-Poly1305"; ephemeralPublicKey: string; nonce: string; ciphertext: string };

function keyFor(shared: Uint8Array, ephemeralPublicKey: Uint8Array): Uint8Array {
  return hkdf(sha256, shared.subarray(1), ephemeralPublicKey, INFO, 32);
}

/** `publicKey`: the recipient's secp256k1 public key, 0x hex (33 or 65 bytes). */
export function encryptToKey(publicKey: string, plaintext: Uint8Array): EncryptedPayload {
  const recipient = hexToBytes(publicKey.slice(2));
  const ephemeral = secp256k1.utils.randomSecretKey();
  const ephemeralPublicKey = secp256k1.getPublicKey(ephemeral, true);
  const key = keyFor(secp256k1.getSharedSecret(ephemeral, recipient, true), ephemeralPublicKey);
  const nonce = randomBytes(24);
  return {
    alg: "ECDH-secp256k1+HKDF-SHA256+XChaCha20-Poly1305",
    ephemeralPublicKey: `0x${bytesToHex(ephemeralPublicKey)}`,
    nonce: `0x${bytesToHex(nonce)}`,
    ciphertext: `0x${bytesToHex(xchacha20poly1305(key, nonce).encrypt(plaintext))}`,
  };
}

/** The agency's side. `privateKey`: 0x hex. */
export function decryptWithKey(privateKey: string, payload: EncryptedPayload): Uint8Array {
  const ephemeralPublicKey = hexToBytes(payload.ephemeralPublicKey.slice(2));
  const key = keyFor(secp256k1.getSharedSecret(hexToBytes(privateKey.slice(2)), ephemeralPublicKey, true), ephemeralPublicKey);
  return xchacha20poly1305(key, hexToBytes(payload.nonce.slice(2))).decrypt(hexToBytes(payload.ciphertext.slice(2)));
}
