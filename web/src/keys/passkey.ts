// The citizen's passkey on this phone (WebAuthn, P-256): created with navigator.credentials.create,
// unlocked by face or fingerprint for every signature. On the ledger it is a PasskeyAccount whose
// address follows from the public key and the deployment's factory, so the phone knows it before
// the counter deploys it. This device keeps only public data (credential id, public key, address,
// identity id): the private key never leaves the authenticator.
import { passkeyAccountAddress, passkeyPublicKeyFromSpki, passkeySignerAccount, type Hex, type P256PublicKey, type PasskeySignerAccount, type WebAuthnAssertion } from "@imi-ledger/sdk";

export type StoredPasskey = { credentialId: string; publicKey: P256PublicKey; address: Hex; factory: Hex; citizen?: Hex; createdAt: number };

const STORAGE_KEY = "imi.passkey";
const TIMEOUT_MS = 120_000;

function failure(code: string, cause?: unknown): Error {
  return Object.assign(new Error(code), { code, cause });
}

/** NotAllowedError is how every browser reports "the person cancelled or took too long". */
function webAuthnFailure(error: unknown): Error {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === "NotAllowedError" || name === "AbortError") return failure("PASSKEY_CANCELLED", error);
  if (name === "NotSupportedError" || name === "SecurityError") return failure("PASSKEY_UNSUPPORTED", error);
  return failure("PASSKEY_FAILED", error);
}

const toBase64Url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const fromBase64Url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

export function passkeySupported(): boolean {
  return typeof window.PublicKeyCredential === "function" && typeof navigator.credentials?.create === "function";
}

export function loadPasskey(): StoredPasskey | undefined {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    return text ? (JSON.parse(text) as StoredPasskey) : undefined;
  } catch {
    return undefined;
  }
}

export function savePasskey(passkey: StoredPasskey): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(passkey));
}

export function forgetPasskey(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/** Creates a passkey on this phone (ES256, user verification required) and computes its account's address. */
export async function createPasskey(factory: Hex, displayName: string): Promise<StoredPasskey> {
  if (!passkeySupported()) throw failure("PASSKEY_UNSUPPORTED");
  let credential: PublicKeyCredential;
  try {
    credential = (await navigator.credentials.create({
      publicKey: {
        rp: { id: location.hostname, name: "IMI" },
        // A random handle: the passkey names no person; the identity is bound at the counter.
        user: { id: crypto.getRandomValues(new Uint8Array(16)), name: displayName, displayName },
        challenge: crypto.getRandomValues(new Uint8Array(32)),
        pubKeyCredParams: [{ type: "public-key", alg: -7 }],
        authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
        attestation: "none",
        timeout: TIMEOUT_MS,
      },
    })) as PublicKeyCredential;
  } catch (error) {
    throw webAuthnFailure(error);
  }
  const spki = (credential.response as AuthenticatorAttestationResponse).getPublicKey?.();
  if (!spki) throw failure("PASSKEY_UNSUPPORTED");
  const publicKey = passkeyPublicKeyFromSpki(new Uint8Array(spki));
  const passkey: StoredPasskey = {
    credentialId: toBase64Url(new Uint8Array(credential.rawId)),
    publicKey,
    address: passkeyAccountAddress({ factory, publicKey }),
    factory,
    createdAt: Date.now(),
  };
  savePasskey(passkey);
  return passkey;
}

/** The stored passkey as an IMI signer: each signature asks the authenticator (face or fingerprint). */
export function passkeyAccount(passkey: StoredPasskey): PasskeySignerAccount {
  async function get(challenge: Uint8Array): Promise<WebAuthnAssertion> {
    let credential: PublicKeyCredential;
    try {
      credential = (await navigator.credentials.get({
        publicKey: {
          // A copy on its own ArrayBuffer: the DOM types refuse views over shared buffers.
          challenge: new Uint8Array(challenge),
          rpId: location.hostname,
          allowCredentials: [{ type: "public-key", id: fromBase64Url(passkey.credentialId) }],
          userVerification: "required",
          timeout: TIMEOUT_MS,
        },
      })) as PublicKeyCredential;
    } catch (error) {
      throw webAuthnFailure(error);
    }
    const response = credential.response as AuthenticatorAssertionResponse;
    return {
      authenticatorData: new Uint8Array(response.authenticatorData),
      clientDataJSON: new Uint8Array(response.clientDataJSON),
      signature: new Uint8Array(response.signature),
    };
  }
  return passkeySignerAccount({ address: passkey.address, publicKey: passkey.publicKey, get });
}
