// The login message an agency signs to get a short-lived gateway session token, so the gateway
// verifies a signature once per session instead of once per request. Pure.
import type { LocalAccount } from "../keys/privateKeyToAccount.js";
import { InvalidInputError } from "../errors/errors.js";
import { toAddress, toChainId, toNonZeroBytes32, toUint } from "../internal/validate.js";
import { GATEWAY_DOMAIN_NAME, chainDomain } from "../typedData/domains.js";
import type { TypedDataDefinition } from "../typedData/hashTypedData.js";
import { recoverTypedDataSigner } from "../typedData/verifyTypedData.js";
import { randomBytes32 } from "../utils.js";
import type { Address, Hex, Numberish } from "../types.js";

/**
 * A login names the gateway twice: `audience`, the public origin the agency meant to reach, and
 * `gateway`, that gateway's account, which tells apart gateways that share an origin (see
 * agencyRequestTypes for why the account is the binding). A gateway refuses a login for another.
 */
export const agencyLoginTypes = {
  AgencyLogin: [
    { name: "agency", type: "address" },
    { name: "gateway", type: "address" },
    { name: "audience", type: "string" },
    { name: "nonce", type: "bytes32" },
    { name: "issuedAt", type: "uint64" },
    { name: "expiresAt", type: "uint64" },
  ],
} as const;

export type AgencyLoginMessage = { agency: Address; gateway: Address; audience: string; nonce: Hex; issuedAt: string; expiresAt: string };
export type SignedAgencyLogin = { message: AgencyLoginMessage; signature: Hex };

export type AgencyLoginParameters = {
  chainId: Numberish;
  agency: Address;
  /** The account of the gateway the token is for (GET /v1/deployment and POST /v1/auth/challenge say it). */
  gateway: Address;
  /** Which gateway the token is for (its public origin, e.g. "https://gateway.district.example"). */
  audience: string;
  /** A challenge from the gateway, or random. */
  nonce?: Hex;
  issuedAt?: Numberish;
  /** Default issuedAt + 900 (15 minutes). */
  expiresAt?: Numberish;
};

export function agencyLoginMessage(p: AgencyLoginParameters): AgencyLoginMessage {
  if (typeof p.audience !== "string" || p.audience.length === 0)
    throw new InvalidInputError("INVALID_REQUEST", "audience", "audience must name the gateway.");
  const issuedAt = toUint("issuedAt", p.issuedAt ?? Math.floor(Date.now() / 1000), 64);
  const expiresAt = toUint("expiresAt", p.expiresAt ?? issuedAt + 900n, 64);
  if (expiresAt <= issuedAt) throw new InvalidInputError("INVALID_REQUEST", "expiresAt", "expiresAt must be after issuedAt.");
  return {
    agency: toAddress("agency", p.agency),
    gateway: toAddress("gateway", p.gateway),
    audience: p.audience,
    nonce: toNonZeroBytes32("nonce", p.nonce ?? randomBytes32()),
    issuedAt: issuedAt.toString(),
    expiresAt: expiresAt.toString(),
  };
}

export function agencyLoginTypedData(chainId: Numberish, message: AgencyLoginMessage): TypedDataDefinition<"AgencyLogin"> {
  return {
    domain: chainDomain(GATEWAY_DOMAIN_NAME, toChainId("chainId", chainId)),
    types: agencyLoginTypes,
    primaryType: "AgencyLogin",
    message: { ...message, issuedAt: BigInt(message.issuedAt), expiresAt: BigInt(message.expiresAt) },
  };
}

export function signAgencyLogin(account: LocalAccount, p: Omit<AgencyLoginParameters, "agency">): SignedAgencyLogin {
  const message = agencyLoginMessage({ ...p, agency: account.address });
  return { message, signature: account.signTypedData(agencyLoginTypedData(p.chainId, message)) };
}

export type VerifyAgencyLoginParameters = {
  chainId: Numberish;
  signed: SignedAgencyLogin;
  /** This gateway's audience string. */
  audience: string;
  /** This gateway's account. */
  gateway: Address;
  now?: number;
  /** Longest session the gateway grants, seconds. Default 3600. */
  maxLifetimeSeconds?: number;
  /** Allowed clock skew on issuedAt, seconds. Default 120. */
  maxSkewSeconds?: number;
};

export type VerifyAgencyLoginReturnType =
  | { valid: true; agency: Address; expiresAt: bigint }
  | { valid: false; reason: "malformed" | "badSignature" | "wrongAudience" | "expired" | "notYetValid" | "tooLong" };

/** Checks a login offline. The caller checks the agency role on chain and that the nonce is fresh. */
export function verifyAgencyLogin(p: VerifyAgencyLoginParameters): VerifyAgencyLoginReturnType {
  let message: AgencyLoginMessage;
  let signer: Address;
  try {
    message = agencyLoginMessage({ ...p.signed.message, chainId: p.chainId });
    signer = recoverTypedDataSigner(agencyLoginTypedData(p.chainId, message), p.signed.signature);
  } catch {
    return { valid: false, reason: "malformed" };
  }
  if (signer !== message.agency) return { valid: false, reason: "badSignature" };
  if (message.audience !== p.audience || message.gateway.toLowerCase() !== String(p.gateway).toLowerCase()) return { valid: false, reason: "wrongAudience" };
  const now = BigInt(p.now ?? Math.floor(Date.now() / 1000));
  const issuedAt = BigInt(message.issuedAt);
  const expiresAt = BigInt(message.expiresAt);
  if (issuedAt > now + BigInt(p.maxSkewSeconds ?? 120)) return { valid: false, reason: "notYetValid" };
  if (expiresAt <= now) return { valid: false, reason: "expired" };
  if (expiresAt - issuedAt > BigInt(p.maxLifetimeSeconds ?? 3600)) return { valid: false, reason: "tooLong" };
  return { valid: true, agency: signer, expiresAt };
}
