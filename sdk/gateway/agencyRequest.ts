// The signed request an agency sends to the gateway, and how the gateway checks it. Pure.
import { decodeBase64, encodeBase64, keccak256, toUtf8Bytes, toUtf8String } from "ethers";
import type { LocalAccount } from "../keys/privateKeyToAccount.js";
import { toAddress, toBytes32, toChainId, toNonZeroBytes32, toPositiveUint, toUint } from "../internal/validate.js";
import { InvalidInputError } from "../errors/errors.js";
import { GATEWAY_DOMAIN_NAME, chainDomain } from "../typedData/domains.js";
import { hashTypedData, type TypedDataDefinition } from "../typedData/hashTypedData.js";
import { recoverTypedDataSigner } from "../typedData/verifyTypedData.js";
import { randomBytes32 } from "../utils.js";
import type { Address, Hex, Numberish } from "../types.js";

/**
 * `gateway` binds a request to the one gateway meant to answer it: its account (the key it signs
 * predicate answers and access-log batches with, which holds the gateway role on chain), not its
 * origin URL. Nonces are remembered per gateway, so a request any other gateway would accept could
 * be replayed there; an origin does not tell gateways apart when several serve one hostname behind
 * a load balancer, and one gateway can be reached by several names. The account is one per gateway
 * by construction and can be checked on chain. A gateway says its account at GET /v1/deployment.
 */
export const agencyRequestTypes = {
  AgencyRequest: [
    { name: "agency", type: "address" },
    { name: "gateway", type: "address" },
    { name: "citizen", type: "bytes32" },
    { name: "scopes", type: "uint256" },
    { name: "purpose", type: "bytes32" },
    { name: "grantId", type: "bytes32" },
    { name: "method", type: "string" },
    { name: "path", type: "string" },
    { name: "bodyHash", type: "bytes32" },
    { name: "nonce", type: "bytes32" },
    { name: "issuedAt", type: "uint64" },
  ],
} as const;

/** The signed fields, JSON-safe (decimal strings for numbers) so they travel in a header or body. */
export type AgencyRequestMessage = {
  agency: Address;
  gateway: Address;
  citizen: Hex;
  scopes: string;
  purpose: Hex;
  grantId: Hex;
  method: string;
  path: string;
  bodyHash: Hex;
  nonce: Hex;
  issuedAt: string;
};

export type SignedAgencyRequest = { message: AgencyRequestMessage; signature: Hex };

/** keccak256 of the exact request body bytes (an empty body hashes the empty string). */
export function hashRequestBody(body: string | Uint8Array | undefined): Hex {
  return keccak256(typeof body === "string" || body === undefined ? toUtf8Bytes(body ?? "") : body) as Hex;
}

export type AgencyRequestParameters = {
  chainId: Numberish;
  agency: Address;
  /** The account of the gateway the request is for (its GET /v1/deployment says it); any other refuses it. */
  gateway: Address;
  citizen: Hex;
  scopes: Numberish;
  purpose: Hex;
  /** The consent or statutory grant the agency relies on; zero/omitted = "the latest consent". */
  grantId?: Hex;
  /** HTTP method, upper-cased when signed. */
  method: string;
  /** Path and query, exactly as sent (e.g. "/v1/records/0x…?fields=address"). */
  path: string;
  body?: string | Uint8Array;
  /** Random per request; default a fresh {@link randomBytes32}. */
  nonce?: Hex;
  /** Unix seconds; default now. */
  issuedAt?: Numberish;
};

export function agencyRequestMessage(p: AgencyRequestParameters): AgencyRequestMessage {
  if (typeof p.method !== "string" || !/^[A-Za-z]+$/.test(p.method))
    throw new InvalidInputError("INVALID_REQUEST", "method", "method must be an HTTP method name.");
  if (typeof p.path !== "string" || !p.path.startsWith("/"))
    throw new InvalidInputError("INVALID_REQUEST", "path", "path must start with '/'.");
  return {
    agency: toAddress("agency", p.agency),
    gateway: toAddress("gateway", p.gateway),
    citizen: toNonZeroBytes32("citizen", p.citizen),
    scopes: toPositiveUint("scopes", p.scopes, 256).toString(),
    purpose: toNonZeroBytes32("purpose", p.purpose),
    grantId: toBytes32("grantId", p.grantId ?? `0x${"0".repeat(64)}`),
    method: p.method.toUpperCase(),
    path: p.path,
    bodyHash: hashRequestBody(p.body),
    nonce: toNonZeroBytes32("nonce", p.nonce ?? randomBytes32()),
    issuedAt: toUint("issuedAt", p.issuedAt ?? Math.floor(Date.now() / 1000), 64).toString(),
  };
}

/** The exact EIP-712 message for a request, in the "IMI Gateway" domain (no verifying contract). */
export function agencyRequestTypedData(chainId: Numberish, message: AgencyRequestMessage): TypedDataDefinition<"AgencyRequest"> {
  return {
    domain: chainDomain(GATEWAY_DOMAIN_NAME, toChainId("chainId", chainId)),
    types: agencyRequestTypes,
    primaryType: "AgencyRequest",
    message: { ...message, scopes: BigInt(message.scopes), issuedAt: BigInt(message.issuedAt) },
  };
}

/** The agency signs a request with its registered key. */
export function signAgencyRequest(account: LocalAccount, p: Omit<AgencyRequestParameters, "agency">): SignedAgencyRequest {
  const message = agencyRequestMessage({ ...p, agency: account.address });
  return { message, signature: account.signTypedData(agencyRequestTypedData(p.chainId, message)) };
}

export type VerifyAgencyRequestParameters = {
  chainId: Numberish;
  signed: SignedAgencyRequest;
  /** The account of the gateway checking it: a request meant for another gateway is refused. */
  gateway: Address;
  /** What actually arrived: the gateway compares these with the signed fields. */
  method: string;
  path: string;
  body?: string | Uint8Array;
  /** Unix seconds; default now. */
  now?: number;
  /** How far `issuedAt` may be from `now`, seconds. Default 120. Keep seen nonces at least twice this long. */
  maxSkewSeconds?: number;
};

export type AgencyRequestRejection = "malformed" | "badSignature" | "wrongGateway" | "methodMismatch" | "pathMismatch" | "bodyMismatch" | "stale";

export type VerifyAgencyRequestReturnType =
  | { valid: true; agency: Address; requestHash: Hex; message: AgencyRequestMessage }
  | { valid: false; reason: AgencyRequestRejection };

/**
 * Checks an agency request offline: well-formed, signed by `message.agency` for this chain, meant
 * for this gateway, bound to this method, path and body, and fresh. The caller still checks, against its chain-synced view,
 * that the agency holds the agency role and that the nonce was not seen before.
 */
export function verifyAgencyRequest(p: VerifyAgencyRequestParameters): VerifyAgencyRequestReturnType {
  let typedData: TypedDataDefinition;
  let message: AgencyRequestMessage;
  let signer: Address;
  try {
    const m = p.signed.message;
    message = agencyRequestMessage({ ...m, chainId: p.chainId, body: undefined });
    message.bodyHash = toBytes32("bodyHash", m.bodyHash);
    if (message.method !== m.method) return { valid: false, reason: "malformed" };
    typedData = agencyRequestTypedData(p.chainId, message);
    signer = recoverTypedDataSigner(typedData, p.signed.signature);
  } catch {
    return { valid: false, reason: "malformed" };
  }
  if (signer !== message.agency) return { valid: false, reason: "badSignature" };
  let gateway: Address;
  try {
    gateway = toAddress("gateway", p.gateway);
  } catch {
    return { valid: false, reason: "wrongGateway" };
  }
  if (message.gateway !== gateway) return { valid: false, reason: "wrongGateway" };
  if (message.method !== p.method.toUpperCase()) return { valid: false, reason: "methodMismatch" };
  if (message.path !== p.path) return { valid: false, reason: "pathMismatch" };
  if (message.bodyHash !== hashRequestBody(p.body)) return { valid: false, reason: "bodyMismatch" };
  const now = BigInt(p.now ?? Math.floor(Date.now() / 1000));
  const skew = BigInt(p.maxSkewSeconds ?? 120);
  const issuedAt = BigInt(message.issuedAt);
  if (issuedAt > now + skew || issuedAt + skew < now) return { valid: false, reason: "stale" };
  return { valid: true, agency: signer, requestHash: hashTypedData(typedData), message };
}

/** HTTP header carrying the signed message (base64url of its JSON). */
export const AGENCY_REQUEST_HEADER = "x-imi-request";
/** HTTP header carrying the agency's signature over it. */
export const AGENCY_SIGNATURE_HEADER = "x-imi-signature";

function toBase64Url(text: string): string {
  return encodeBase64(toUtf8Bytes(text)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): string {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return toUtf8String(decodeBase64(padded));
}

/** The wire format of a signed request: two headers beside the unchanged body. */
export function agencyRequestHeaders(signed: SignedAgencyRequest): Record<string, string> {
  return { [AGENCY_REQUEST_HEADER]: toBase64Url(JSON.stringify(signed.message)), [AGENCY_SIGNATURE_HEADER]: signed.signature };
}

/** Reads a signed request back from headers (any casing of names); null when absent or unreadable. */
export function readAgencyRequestHeaders(headers: Record<string, string | string[] | undefined>): SignedAgencyRequest | null {
  const get = (name: string) => {
    const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
    return Array.isArray(entry) ? entry[0] : entry;
  };
  const encoded = get(AGENCY_REQUEST_HEADER);
  const signature = get(AGENCY_SIGNATURE_HEADER);
  if (!encoded || !signature) return null;
  try {
    const message = JSON.parse(fromBase64Url(encoded)) as AgencyRequestMessage;
    return typeof message === "object" && message !== null ? { message, signature: signature as Hex } : null;
  } catch {
    return null;
  }
}
