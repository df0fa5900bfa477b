import { getAddress, recoverAddress } from "ethers";
import type { Address, Hex, Numberish } from "../types.js";
import { ImiError } from "../errors/ImiError.js";
import { decodeOneCode, type OneCode, type OneCodeClaim } from "./oneCodeFormat.js";
import { ONE_CODE_MAX_AGE_SECONDS, ONE_CODE_MAX_SKEW_SECONDS, oneCodeDigest, oneCodeStatusDigest, oneCodeStatusHash } from "./oneCodeTypedData.js";
import { OneCodeError, type OneCodeErrorCode } from "./OneCodeError.js";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

export type VerifyOneCodeParameters = {
  /** The code's text, or a code already decoded. */
  code: string | OneCode;
  chainId: Numberish;
  /**
   * Gateway accounts whose staples this device trusts (cached from GET /v1/deployment), or a test
   * (a gateway accepts its siblings: any account holding the gateway role).
   */
  gateways: readonly Address[] | ((account: Address) => boolean);
  /** This device's account: a code meant for another verifier is refused. */
  verifier: Address;
  /** Unix seconds on this device. */
  now: number;
  maxAgeSeconds?: number;
  /**
   * ERC-1271 for controllers that are accounts (isValidSignatureNow over RPC, online). Without it
   * a signature that is not a plain key's is refused with ONE_CODE_CONTRACT_CHECK_UNAVAILABLE.
   */
  contractSignature?: (controller: Address, digest: Hex, signature: Hex) => Promise<boolean>;
};

export type OneCodeVerdict =
  | {
      valid: true;
      citizen: Hex;
      controller: Address;
      level: number;
      /** The block the staple's status was read at. */
      blockNumber: bigint;
      stapleExpiresAt: number;
      issuedAt: number;
      nonce: Hex;
      /** Which gateway stapled it. */
      gateway: Address;
      /** An enterprise's code: the enterprise `citizen` acts for, and the scopes stapled (as of `blockNumber`). */
      enterprise?: Hex;
      scopes?: number;
      claim?: OneCodeClaim;
      code: OneCode;
    }
  | { valid: false; reason: OneCodeErrorCode; citizen?: Hex; code?: OneCode };

function recoverLowS(digest: Hex, signature: Hex): string | undefined {
  if (signature.length !== 132) return undefined;
  const v = parseInt(signature.slice(130), 16);
  if ((v !== 27 && v !== 28) || BigInt("0x" + signature.slice(66, 130)) > HALF_N) return undefined;
  try {
    return recoverAddress(digest, signature).toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Checks a code the way a door or counter does, with no network unless the controller is an
 * account: the staple is signed by a trusted gateway and not expired, the code is fresh and meant
 * for this verifier (or any), and the stapled controller signed it. What it cannot know offline —
 * a rotation after the staple's block, a replayed nonce, for an enterprise's code a representative
 * removed or an enterprise deregistered after the staple's block — the caller checks: the gateway against
 * its index and nonce store, a device against the codes it has already accepted.
 */
export async function verifyOneCode(p: VerifyOneCodeParameters): Promise<OneCodeVerdict> {
  let code: OneCode;
  try {
    code = typeof p.code === "string" ? decodeOneCode(p.code) : p.code;
  } catch (error) {
    if (error instanceof OneCodeError) return { valid: false, reason: error.code as OneCodeErrorCode };
    throw error;
  }
  const { status } = code;
  const refuse = (reason: OneCodeErrorCode): OneCodeVerdict => ({ valid: false, reason, citizen: status.citizen, code });
  const gateway = recoverLowS(oneCodeStatusDigest(p.chainId, status), code.gatewaySignature);
  if (!gateway) return refuse("ONE_CODE_BAD_STAPLE");
  const trusted = typeof p.gateways === "function" ? p.gateways(getAddress(gateway) as Address) : p.gateways.some((g) => g.toLowerCase() === gateway);
  if (!trusted) return refuse("ONE_CODE_UNTRUSTED_GATEWAY");
  if (p.now > status.expiresAt || p.now + ONE_CODE_MAX_SKEW_SECONDS < status.issuedAt) return refuse("ONE_CODE_STAPLE_EXPIRED");
  const { verifier, issuedAt, nonce } = code.code;
  if (verifier !== ZERO_ADDRESS && verifier.toLowerCase() !== p.verifier.toLowerCase()) return refuse("ONE_CODE_WRONG_VERIFIER");
  const maxAge = p.maxAgeSeconds ?? ONE_CODE_MAX_AGE_SECONDS;
  if (issuedAt + maxAge < p.now || issuedAt > p.now + ONE_CODE_MAX_SKEW_SECONDS || issuedAt > status.expiresAt) return refuse("ONE_CODE_STALE");
  const digest = oneCodeDigest(p.chainId, { citizen: status.citizen, controller: status.controller, verifier, issuedAt, nonce, status: oneCodeStatusHash(p.chainId, status) });
  if (recoverLowS(digest, code.signature) !== status.controller.toLowerCase()) {
    if (!p.contractSignature) return refuse(code.signature.length === 132 ? "ONE_CODE_BAD_SIGNATURE" : "ONE_CODE_CONTRACT_CHECK_UNAVAILABLE");
    let ok: boolean;
    try {
      ok = await p.contractSignature(status.controller, digest, code.signature);
    } catch (error) {
      // No answer from the chain is not a yes: the caller decides whether to retry or refuse.
      if (error instanceof ImiError) return refuse("ONE_CODE_CONTRACT_CHECK_UNAVAILABLE");
      throw error;
    }
    if (!ok) return refuse("ONE_CODE_BAD_SIGNATURE");
  }
  return {
    valid: true,
    citizen: status.citizen,
    controller: status.controller,
    level: status.level,
    blockNumber: status.blockNumber,
    stapleExpiresAt: status.expiresAt,
    issuedAt,
    nonce,
    gateway: getAddress(gateway) as Address,
    ...(status.enterprise !== undefined ? { enterprise: status.enterprise, scopes: status.scopes } : {}),
    ...(code.claim ? { claim: code.claim } : {}),
    code,
  };
}

/** What a verifier remembers to refuse a code twice: the citizen and the code's nonce. */
export function oneCodeReplayKey(code: OneCode): string {
  return `${code.status.citizen.toLowerCase()}:${code.code.nonce.toLowerCase()}`;
}
