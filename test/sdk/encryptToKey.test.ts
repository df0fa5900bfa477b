// ECIES to an agency's key: what the gateway seals with encryptToKey only that key opens.
import { describe, expect, test } from "vitest";
import { decryptWithKey, encryptToKey, ENCRYPTED_PAYLOAD_ALG, generatePrivateKey, ImiError, privateKeyToAccount } from "@imi-ledger/sdk";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { getBytes, hexlify } from "ethers";

const plaintext = new TextEncoder().encode(JSON.stringify({ name: "张三", birthDate: "1950-02-03" }));
function keyPair() {
  const privateKey = generatePrivateKey();
  return { privateKey, compressed: hexlify(secp256k1.getPublicKey(getBytes(privateKey), true)), uncompressed: hexlify(secp256k1.getPublicKey(getBytes(privateKey), false)) };
}

describe("encryptToKey / decryptWithKey", () => {
  test("round trip to a compressed and an uncompressed public key", () => {
    const k = keyPair();
    for (const pub of [k.compressed, k.uncompressed]) {
      const sealed = encryptToKey(pub, plaintext);
      expect(sealed.alg).toBe(ENCRYPTED_PAYLOAD_ALG);
      expect(new TextDecoder().decode(decryptWithKey(k.privateKey, sealed))).toBe(new TextDecoder().decode(plaintext));
    }
    expect(privateKeyToAccount(k.privateKey).address).toMatch(/^0x/);
  });

  test("another key, an altered byte or an unknown algorithm is refused", () => {
    const k = keyPair();
    const sealed = encryptToKey(k.compressed, plaintext);
    expect(() => decryptWithKey(keyPair().privateKey, sealed)).toThrow();
    const bytes = getBytes(sealed.ciphertext);
    bytes[bytes.length - 1] ^= 1;
    expect(() => decryptWithKey(k.privateKey, { ...sealed, ciphertext: hexlify(bytes) as `0x${string}` })).toThrow();
    const err = (() => { try { decryptWithKey(k.privateKey, { ...sealed, alg: "ECDH-secp256k1+HKDF-SHA256+XChaCha20-Poly1305" as never }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(ImiError);
    expect((err as ImiError).code).toBe("INVALID_PAYLOAD");
  });

  test("a public key of the wrong length is refused with INVALID_KEY", () => {
    const err = (() => { try { encryptToKey("0x1234", plaintext); } catch (e) { return e; } })();
    expect((err as ImiError).code).toBe("INVALID_KEY");
  });
});
