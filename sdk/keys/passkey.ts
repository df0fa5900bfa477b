// A citizen's passkey (WebAuthn, P-256) as an IMI signer. The passkey itself never leaves the
// phone; what the chain knows is a PasskeyAccount (contracts/PasskeyAccount.sol) that answers
// ERC-1271 for the passkey's public key. This file turns a WebAuthn assertion into the signature
// bytes OpenZeppelin's SignerWebAuthn decodes, and computes the account's address from the key
// before it is deployed.
import { p256 } from "@noble/curves/nist.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { AbiCoder, concat, getCreate2Address, getCreateAddress, keccak256, ZeroHash } from "ethers";
import { InvalidInputError, InvalidKeyError } from "../errors/errors.js";
import { identityProofMessage, identityProofTypedData, type IdentityProofParameters, type SignedIdentityProof } from "../gateway/identityProof.js";
import { toAddress, toBytes32 } from "../internal/validate.js";
import { hashTypedData, type TypedDataDefinition } from "../typedData/hashTypedData.js";
import type { Address, Hex } from "../types.js";

/** A P-256 public key in affine coordinates, 32 bytes each. */
export type P256PublicKey = { x: Hex; y: Hex };

/**
 * What `navigator.credentials.get()` returns in `credential.response`, as bytes:
 * `authenticatorData`, `clientDataJSON` (the UTF-8 JSON exactly as the browser produced it) and
 * `signature` (ASN.1 DER, as WebAuthn always encodes ES256).
 */
export type WebAuthnAssertion = { authenticatorData: Uint8Array; clientDataJSON: Uint8Array; signature: Uint8Array };

/** Asks the authenticator to sign `challenge` (the 32-byte digest); a browser calls navigator.credentials.get. */
export type WebAuthnGet = (challenge: Uint8Array) => Promise<WebAuthnAssertion>;

/** A passkey that signs IMI actions: the address is its PasskeyAccount, signatures are WebAuthn assertions. */
export type PasskeySignerAccount = {
  readonly type: "passkey";
  readonly address: Address;
  readonly publicKey: P256PublicKey;
  /** Asks the passkey to sign a 32-byte digest (the WebAuthn challenge); returns ERC-1271 signature bytes. */
  signDigest(digest: Hex): Promise<Hex>;
  /** Signs EIP-712 typed data: the challenge is the EIP-712 digest. */
  signTypedData(typedData: TypedDataDefinition): Promise<Hex>;
};

// The DER prefix of a P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1, uncompressed BIT STRING).
const P256_SPKI_PREFIX = "3059301306072a8648ce3d020106082a8648ce3d030107034200";
const P256_N = p256.Point.CURVE().n;

/** The public key of a passkey from `AuthenticatorAttestationResponse.getPublicKey()` (SPKI DER). */
export function passkeyPublicKeyFromSpki(spki: Uint8Array): P256PublicKey {
  const hex = bytesToHex(spki);
  if (hex.length !== 182 || !hex.startsWith(P256_SPKI_PREFIX)) throw new InvalidKeyError("not a P-256 SubjectPublicKeyInfo (the passkey must use ES256)");
  return passkeyPublicKeyFromPoint(spki.subarray(26));
}

/** The public key from a 65-byte uncompressed (or 33-byte compressed) SEC1 point; checks it is on the curve. */
export function passkeyPublicKeyFromPoint(point: Uint8Array): P256PublicKey {
  let affine;
  try {
    affine = p256.Point.fromBytes(point).toAffine();
  } catch (cause) {
    throw new InvalidKeyError("not a point on P-256", { cause });
  }
  const word = (n: bigint) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
  return { x: word(affine.x), y: word(affine.y) };
}

/**
 * Where the PasskeyAccountFactory puts (or has put) the account of `publicKey`: a CREATE2 clone
 * of the factory's implementation with the key as immutable argument and a zero salt. The
 * implementation is the factory's first creation (nonce 1) unless given.
 */
export function passkeyAccountAddress(p: { factory: Address; publicKey: P256PublicKey; implementation?: Address }): Address {
  const factory = toAddress("factory", p.factory);
  const implementation = p.implementation ? toAddress("implementation", p.implementation) : (getCreateAddress({ from: factory, nonce: 1 }) as Address);
  const args = AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [toBytes32("publicKey.x", p.publicKey.x), toBytes32("publicKey.y", p.publicKey.y)]);
  // OpenZeppelin Clones._cloneCodeWithImmutableArgs: PUSH2 size, the ERC-1167 proxy, then the arguments.
  const initCode = concat([
    "0x61",
    `0x${(64 + 0x2d).toString(16).padStart(4, "0")}`,
    "0x3d81600a3d39f3363d3d373d3d3d363d73",
    implementation,
    "0x5af43d82803e903d91602b57fd5bf3",
    args,
  ]);
  return getCreate2Address(factory, ZeroHash, keccak256(initCode)) as Address;
}

/**
 * The ERC-1271 signature bytes OpenZeppelin's SignerWebAuthn expects: the ABI encoding of
 * `WebAuthnAuth` fields (r, s, challengeIndex, typeIndex, authenticatorData, clientDataJSON),
 * with s moved to the low half (P256.sol refuses high s; (r, n - s) is the same signature).
 */
export function encodeWebAuthnSignature(assertion: WebAuthnAssertion): Hex {
  let sig;
  try {
    sig = p256.Signature.fromBytes(assertion.signature, "der");
  } catch (cause) {
    throw new InvalidInputError("INVALID_SIGNATURE", "signature", "The passkey signature is not DER-encoded P-256.", { cause });
  }
  const s = sig.s > P256_N / 2n ? P256_N - sig.s : sig.s;
  const clientDataJSON = new TextDecoder("utf-8", { fatal: true }).decode(assertion.clientDataJSON);
  const typeIndex = clientDataJSON.indexOf('"type":"webauthn.get"');
  const challengeIndex = clientDataJSON.indexOf('"challenge":"');
  if (typeIndex < 0 || challengeIndex < 0)
    throw new InvalidInputError("INVALID_SIGNATURE", "clientDataJSON", "The client data is not a WebAuthn assertion (no type or challenge).");
  // The contract indexes bytes; indexOf counts UTF-16 units. They agree while the prefix is ASCII.
  const prefix = clientDataJSON.slice(0, Math.max(typeIndex, challengeIndex));
  if (!/^[\x00-\x7f]*$/.test(prefix))
    throw new InvalidInputError("INVALID_SIGNATURE", "clientDataJSON", "The client data has non-ASCII text before its type and challenge.");
  return AbiCoder.defaultAbiCoder().encode(
    ["bytes32", "bytes32", "uint256", "uint256", "bytes", "string"],
    [
      `0x${sig.r.toString(16).padStart(64, "0")}`,
      `0x${s.toString(16).padStart(64, "0")}`,
      challengeIndex,
      typeIndex,
      assertion.authenticatorData,
      clientDataJSON,
    ],
  ) as Hex;
}

/** The WebAuthn challenge for a digest: the digest's 32 bytes (the account checks base64url of them). */
export function passkeyChallenge(digest: Hex): Uint8Array {
  return hexToBytes(toBytes32("digest", digest).slice(2));
}

/**
 * A passkey as an IMI signer. `address` is the PasskeyAccount (from {@link passkeyAccountAddress});
 * `get` asks the authenticator for an assertion over a challenge (in a browser, a wrapper around
 * navigator.credentials.get with userVerification "required").
 */
export function passkeySignerAccount(p: { address: Address; publicKey: P256PublicKey; get: WebAuthnGet }): PasskeySignerAccount {
  const address = toAddress("address", p.address);
  const publicKey = { x: toBytes32("publicKey.x", p.publicKey.x), y: toBytes32("publicKey.y", p.publicKey.y) };
  async function signDigest(digest: Hex): Promise<Hex> {
    return encodeWebAuthnSignature(await p.get(passkeyChallenge(digest)));
  }
  return Object.freeze({
    type: "passkey" as const,
    address,
    publicKey,
    signDigest,
    signTypedData: (typedData: TypedDataDefinition) => signDigest(hashTypedData(typedData)),
  });
}

/** The citizen's phone answers a verifier's (or the gateway's login) challenge with her passkey. */
export async function signIdentityProofWithPasskey(
  account: PasskeySignerAccount,
  p: Omit<IdentityProofParameters, "controller">,
): Promise<SignedIdentityProof> {
  const message = identityProofMessage({ ...p, controller: account.address });
  return { message, signature: await account.signTypedData(identityProofTypedData(p.chainId, message)) };
}
