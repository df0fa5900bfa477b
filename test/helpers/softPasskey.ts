// A passkey in software: a real P-256 key (@noble/curves) answering WebAuthn "get" ceremonies
// with authenticatorData and clientDataJSON built byte for byte as a browser and a platform
// authenticator build them, so the chain and the gateway see what a phone would send.
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { passkeyPublicKeyFromPoint, type P256PublicKey, type WebAuthnAssertion } from "@imi-ledger/sdk";

export type SoftPasskey = {
  publicKey: P256PublicKey;
  /** navigator.credentials.get over `challenge`, the way Chromium answers it. */
  get(challenge: Uint8Array): Promise<WebAuthnAssertion>;
};

export type SoftPasskeyOptions = {
  rpId?: string;
  origin?: string;
  /** Authenticator flags: default UP | UV (0x05). */
  flags?: number;
  /** Sign with whatever s the curve gives (half the time high s, as real authenticators do). */
  allowHighS?: boolean;
};

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

export function softPasskey(options: SoftPasskeyOptions = {}): SoftPasskey & { secretKey: Uint8Array } {
  const secretKey = p256.utils.randomSecretKey();
  const publicKey = passkeyPublicKeyFromPoint(p256.getPublicKey(secretKey, false));
  const rpId = options.rpId ?? "imi.example";
  const origin = options.origin ?? `https://${rpId}`;
  let counter = 0;
  return {
    secretKey,
    publicKey,
    async get(challenge: Uint8Array): Promise<WebAuthnAssertion> {
      counter += 1;
      const authenticatorData = new Uint8Array(37);
      authenticatorData.set(sha256(new TextEncoder().encode(rpId)), 0);
      authenticatorData[32] = options.flags ?? 0x05;
      new DataView(authenticatorData.buffer).setUint32(33, counter);
      // Chromium's CollectedClientData serialisation: type, challenge, origin, crossOrigin, in that order.
      const clientDataJSON = new TextEncoder().encode(
        JSON.stringify({ type: "webauthn.get", challenge: base64url(challenge), origin, crossOrigin: false }),
      );
      const signed = new Uint8Array([...authenticatorData, ...sha256(clientDataJSON)]);
      const signature = p256.sign(signed, secretKey, { format: "der", lowS: options.allowHighS === false });
      return { authenticatorData, clientDataJSON, signature };
    },
  };
}
