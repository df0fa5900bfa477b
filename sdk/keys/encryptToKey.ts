// Encrypting an answer to an agency's own secp256k1 key (ECIES), so only the holder of that key can
// read it, not a TLS terminator or a log. The gateway encrypts, the agency decrypts; both use this.
// ECIES itself is eciesjs (maintained, audited @noble primitives underneath): an ephemeral key
// agrees a secret with the recipient's key, HKDF-SHA256 derives the symmetric key, XChaCha20-Poly1305
// seals the bytes. The config is passed per call, never through eciesjs's global ECIES_CONFIG, so no
// other user of eciesjs in the same process can change what the gateway sends.
import { decrypt, encrypt } from "eciesjs";
import { Config } from "eciesjs/config";
import { getBytes, hexlify } from "ethers";
import { InvalidInputError } from "../errors/errors.js";
import type { Hex } from "../types.js";

export const ENCRYPTED_PAYLOAD_ALG = "ECIES-secp256k1+HKDF-SHA256+XChaCha20-Poly1305/eciesjs";

/**
 * `ciphertext`: eciesjs's payload, ephemeral public key (33 bytes, compressed) || nonce (24) ||
 * tag (16) || encrypted bytes.
 */
export type EncryptedPayload = { alg: typeof ENCRYPTED_PAYLOAD_ALG; ciphertext: Hex };

function config(): Config {
  const c = new Config();
  c.ellipticCurve = "secp256k1";
  c.isEphemeralKeyCompressed = true;
  c.isHkdfKeyCompressed = false;
  c.symmetricAlgorithm = "xchacha20";
  return c;
}

function bytes(field: string, hex: string): Uint8Array {
  try {
    return getBytes(hex);
  } catch (cause) {
    throw new InvalidInputError("INVALID_KEY", field, `${field} must be 0x-prefixed hex.`, { cause });
  }
}

/** `publicKey`: the recipient's secp256k1 public key, 0x hex (33 or 65 bytes). */
export function encryptToKey(publicKey: Hex | string, plaintext: Uint8Array): EncryptedPayload {
  const recipient = bytes("publicKey", publicKey);
  if (recipient.length !== 33 && recipient.length !== 65) throw new InvalidInputError("INVALID_KEY", "publicKey", "A secp256k1 public key has 33 or 65 bytes.");
  return { alg: ENCRYPTED_PAYLOAD_ALG, ciphertext: hexlify(encrypt(recipient, plaintext, config())) as Hex };
}

/** The recipient's side. `privateKey`: 0x hex. Throws if the payload was not sealed to this key or was altered. */
export function decryptWithKey(privateKey: Hex | string, payload: EncryptedPayload): Uint8Array {
  if (payload.alg !== ENCRYPTED_PAYLOAD_ALG) throw new InvalidInputError("INVALID_PAYLOAD", "alg", `Unknown encryption ${String(payload.alg)}.`);
  return decrypt(bytes("privateKey", privateKey), bytes("ciphertext", payload.ciphertext), config());
}
