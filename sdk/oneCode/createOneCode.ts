import type { TypedDataDefinition } from "../typedData/hashTypedData.js";
import { toAddress, toNonZeroBytes32, toUint } from "../internal/validate.js";
import type { Address, Hex, Numberish } from "../types.js";
import { encodeOneCode, oneCodeClaimHash, type OneCodeClaim } from "./oneCodeFormat.js";
import { ONE_CODE_STAPLE_TTL_SECONDS, ONE_CODE_VERSION, oneCodeStatusHash, oneCodeStatusTypedData, oneCodeTypedData, type OneCodeStatus } from "./oneCodeTypedData.js";
import { OneCodeError } from "./OneCodeError.js";
import { ENTERPRISE_SCOPES } from "../enterprise/unifiedSocialCreditCode.js";

/** Anything that signs EIP-712 for an address: a local key, a wallet, a passkey account's signer. */
export type OneCodeSigner = { address: Address; signTypedData(typedData: TypedDataDefinition): Hex | Promise<Hex> };

/** A staple as the gateway hands it out: the status, the gateway's signature, the claim it vouched for. */
export type OneCodeStaple = { status: OneCodeStatus; signature: Hex; claim?: OneCodeClaim };

export type SignOneCodeStapleParameters = {
  chainId: Numberish;
  citizen: Hex;
  controller: Address;
  level: number;
  blockNumber: Numberish;
  issuedAt: number;
  ttlSeconds?: number;
  claim?: OneCodeClaim;
  /** An enterprise's staple: the enterprise the controller's identity acts for, checked by the caller on chain. */
  enterprise?: Hex;
  /** With `enterprise`: ENTERPRISE_SCOPES bits beside identity (identity is always stapled). */
  scopes?: Numberish;
};

/** The gateway's side: signs "this key controls this identity at this level, as of this block". */
export async function signOneCodeStaple(gateway: OneCodeSigner, p: SignOneCodeStapleParameters): Promise<OneCodeStaple> {
  const status: OneCodeStatus = {
    citizen: toNonZeroBytes32("citizen", p.citizen),
    controller: toAddress("controller", p.controller),
    level: Number(toUint("level", p.level, 8)),
    blockNumber: toUint("blockNumber", p.blockNumber, 64),
    issuedAt: p.issuedAt,
    expiresAt: p.issuedAt + (p.ttlSeconds ?? ONE_CODE_STAPLE_TTL_SECONDS),
    claimHash: oneCodeClaimHash(p.claim),
    ...(p.enterprise !== undefined
      ? { enterprise: toNonZeroBytes32("enterprise", p.enterprise), scopes: Number(toUint("scopes", p.scopes ?? 0n, 16) | ENTERPRISE_SCOPES.identity) }
      : {}),
  };
  const signature = await gateway.signTypedData(oneCodeStatusTypedData(p.chainId, status));
  return { status, signature, ...(p.claim ? { claim: p.claim } : {}) };
}

export type CreateOneCodeParameters = {
  chainId: Numberish;
  staple: OneCodeStaple;
  /** The verifier device's account, when the code is for one device only. */
  verifier?: Address;
  /** The verifier's 16-byte challenge; random when not given. */
  nonce?: Hex;
  /** Unix seconds; now when not given. */
  issuedAt?: number;
};

function randomNonce(): Hex {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let s = "0x";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s as Hex;
}

/**
 * The citizen's side: signs a fresh code over the staple with the controller (a key, or an account
 * that answers ERC-1271) and returns the text the QR shows. The signer must be the stapled controller.
 */
export async function createOneCode(signer: OneCodeSigner, p: CreateOneCodeParameters): Promise<string> {
  const { status } = p.staple;
  if (signer.address.toLowerCase() !== status.controller.toLowerCase())
    throw new OneCodeError("ONE_CODE_NOT_CONTROLLER", "The staple names another controller; ask the gateway for a new one.");
  const nonce = p.nonce ?? randomNonce();
  if (!/^0x[0-9a-fA-F]{32}$/.test(nonce) || /^0x0{32}$/.test(nonce)) throw new OneCodeError("ONE_CODE_MALFORMED", "The nonce must be 16 non-zero bytes of hex.");
  const message = {
    citizen: status.citizen,
    controller: status.controller,
    verifier: p.verifier ? toAddress("verifier", p.verifier) : ("0x0000000000000000000000000000000000000000" as Address),
    issuedAt: p.issuedAt ?? Math.floor(Date.now() / 1000),
    nonce: nonce.toLowerCase() as Hex,
    status: oneCodeStatusHash(p.chainId, status),
  };
  const signature = await signer.signTypedData(oneCodeTypedData(p.chainId, message));
  return encodeOneCode({
    version: ONE_CODE_VERSION,
    status,
    gatewaySignature: p.staple.signature,
    code: { verifier: message.verifier, issuedAt: message.issuedAt, nonce: message.nonce },
    ...(p.staple.claim ? { claim: p.staple.claim } : {}),
    signature,
  });
}
