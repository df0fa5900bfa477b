// One code per person (一人一码): the two signed messages a code carries.
//
//   OneCodeStatus  the gateway's staple: "this key is the active controller of this identity, at
//                  this assurance level, as of this block", valid for a few minutes (as OCSP
//                  stapling does for certificates), so a door or counter can check it offline.
//   OneCode        the citizen's controller signs the staple's hash, a fresh time and a nonce (or a
//                  verifier's challenge), and the verifier it is meant for (zero: any verifier).
//
//   OneCodeEnterpriseStatus  the staple of an enterprise's code (一企一码): the same statement about
//                  the representative's key, plus "and it acts for this enterprise with these scopes"
//                  (EnterpriseRegistry, as of the block). Its own primary type, so a citizen's staple
//                  can never be read as an enterprise's or the reverse; the code the holder signs is
//                  the same OneCode, bound to whichever staple by its struct hash.
//
// All use the gateway's EIP-712 domain (name "IMI Gateway", version "1", the chain id), as the
// identity proof and the agency login do.
import { GATEWAY_DOMAIN_NAME, chainDomain } from "../typedData/domains.js";
import { hashStruct, hashTypedData, type TypedDataDefinition } from "../typedData/hashTypedData.js";
import { toChainId } from "../internal/validate.js";
import type { Address, Hex, Numberish } from "../types.js";

/** The wire format's version byte. A decoder refuses any other. */
export const ONE_CODE_VERSION = 1;
/** How long a staple lasts by default, seconds: the offline window of a verifier device. */
export const ONE_CODE_STAPLE_TTL_SECONDS = 300;
/** The longest staple a gateway issues, seconds. */
export const ONE_CODE_MAX_STAPLE_TTL_SECONDS = 900;
/** How long one shown code is good for, seconds (the phone renews it well before). */
export const ONE_CODE_MAX_AGE_SECONDS = 60;
/** How far a code's time may be ahead of the verifier's clock, seconds. */
export const ONE_CODE_MAX_SKEW_SECONDS = 30;
/** How often the citizen's screen draws a new code, seconds. */
export const ONE_CODE_REFRESH_SECONDS = 20;

// OneCodeStatus(bytes32 citizen,address controller,uint8 level,uint64 blockNumber,uint64 issuedAt,uint64 expiresAt,bytes32 claimHash)
export const oneCodeStatusTypes = {
  OneCodeStatus: [
    { name: "citizen", type: "bytes32" },
    { name: "controller", type: "address" },
    { name: "level", type: "uint8" },
    { name: "blockNumber", type: "uint64" },
    { name: "issuedAt", type: "uint64" },
    { name: "expiresAt", type: "uint64" },
    { name: "claimHash", type: "bytes32" },
  ],
} as const;

// OneCodeEnterpriseStatus(bytes32 enterprise,uint16 scopes,bytes32 citizen,address controller,uint8 level,uint64 blockNumber,uint64 issuedAt,uint64 expiresAt,bytes32 claimHash)
export const oneCodeEnterpriseStatusTypes = {
  OneCodeEnterpriseStatus: [{ name: "enterprise", type: "bytes32" }, { name: "scopes", type: "uint16" }, ...oneCodeStatusTypes.OneCodeStatus],
} as const;

// OneCode(bytes32 citizen,address controller,address verifier,uint64 issuedAt,bytes16 nonce,bytes32 status)
export const oneCodeTypes = {
  OneCode: [
    { name: "citizen", type: "bytes32" },
    { name: "controller", type: "address" },
    { name: "verifier", type: "address" },
    { name: "issuedAt", type: "uint64" },
    { name: "nonce", type: "bytes16" },
    { name: "status", type: "bytes32" },
  ],
} as const;

/** The gateway's staple, as signed. Times are unix seconds. */
export type OneCodeStatus = {
  citizen: Hex;
  controller: Address;
  level: number;
  blockNumber: bigint;
  issuedAt: number;
  expiresAt: number;
  /** keccak256 of the disclosed claim (see oneCodeClaimHash), zero when the code carries none. */
  claimHash: Hex;
  /** An enterprise's code: the enterprise `citizen` (its representative) acts for. */
  enterprise?: Hex;
  /** With `enterprise`: the ENTERPRISE_SCOPES bits stapled (identity always set). */
  scopes?: number;
};

/** The citizen's part, as signed. `status` is the staple's EIP-712 struct hash. */
export type OneCodeMessage = {
  citizen: Hex;
  controller: Address;
  /** The verifier device's account, or the zero address for any verifier. */
  verifier: Address;
  issuedAt: number;
  /** 16 random bytes, or the verifier's challenge. */
  nonce: Hex;
  status: Hex;
};

export function oneCodeStatusTypedData(chainId: Numberish, status: OneCodeStatus): TypedDataDefinition<"OneCodeStatus" | "OneCodeEnterpriseStatus"> {
  if (status.enterprise !== undefined) {
    return {
      domain: chainDomain(GATEWAY_DOMAIN_NAME, toChainId("chainId", chainId)),
      types: oneCodeEnterpriseStatusTypes,
      primaryType: "OneCodeEnterpriseStatus",
      message: { ...status, scopes: status.scopes ?? 0, issuedAt: BigInt(status.issuedAt), expiresAt: BigInt(status.expiresAt) },
    };
  }
  return {
    domain: chainDomain(GATEWAY_DOMAIN_NAME, toChainId("chainId", chainId)),
    types: oneCodeStatusTypes,
    primaryType: "OneCodeStatus",
    message: { ...status, issuedAt: BigInt(status.issuedAt), expiresAt: BigInt(status.expiresAt) },
  };
}

export function oneCodeTypedData(chainId: Numberish, message: OneCodeMessage): TypedDataDefinition<"OneCode"> {
  return {
    domain: chainDomain(GATEWAY_DOMAIN_NAME, toChainId("chainId", chainId)),
    types: oneCodeTypes,
    primaryType: "OneCode",
    message: { ...message, issuedAt: BigInt(message.issuedAt) },
  };
}

/** The staple's struct hash: what the citizen's signature binds the staple by. */
export function oneCodeStatusHash(chainId: Numberish, status: OneCodeStatus): Hex {
  return hashStruct(oneCodeStatusTypedData(chainId, status));
}

/** The digests the gateway and the controller sign. */
export function oneCodeStatusDigest(chainId: Numberish, status: OneCodeStatus): Hex {
  return hashTypedData(oneCodeStatusTypedData(chainId, status));
}
export function oneCodeDigest(chainId: Numberish, message: OneCodeMessage): Hex {
  return hashTypedData(oneCodeTypedData(chainId, message));
}
