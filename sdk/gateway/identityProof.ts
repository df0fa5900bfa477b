// "I am me": a citizen signs a verifier's challenge with the identity's controller key. Pure part;
// the on-chain check is the action verifyIdentityProof. A representative proves "I act for this
// enterprise, with these scopes" with the same message plus the enterprise and the scopes, signed as
// its own primary type (EnterpriseIdentityProof) so that neither proof can pass for the other.
import type { LocalAccount } from "../keys/privateKeyToAccount.js";
import { InvalidInputError } from "../errors/errors.js";
import { toAddress, toChainId, toNonZeroBytes32, toUint } from "../internal/validate.js";
import { ENTERPRISE_SCOPES } from "../enterprise/unifiedSocialCreditCode.js";
import { GATEWAY_DOMAIN_NAME, chainDomain } from "../typedData/domains.js";
import type { TypedDataDefinition } from "../typedData/hashTypedData.js";
import type { Address, Hex, Numberish } from "../types.js";

export const identityProofTypes = {
  IdentityProof: [
    { name: "citizen", type: "bytes32" },
    { name: "controller", type: "address" },
    { name: "audience", type: "string" },
    { name: "challenge", type: "bytes32" },
    { name: "issuedAt", type: "uint64" },
  ],
} as const;

// EnterpriseIdentityProof(bytes32 enterprise,uint256 scopes,bytes32 citizen,address controller,string audience,bytes32 challenge,uint64 issuedAt)
export const enterpriseIdentityProofTypes = {
  EnterpriseIdentityProof: [{ name: "enterprise", type: "bytes32" }, { name: "scopes", type: "uint256" }, ...identityProofTypes.IdentityProof],
} as const;

export type IdentityProofMessage = { citizen: Hex; controller: Address; audience: string; challenge: Hex; issuedAt: string };
/** A representative's proof: `citizen` is the representative, `enterprise` the subject, `scopes` ENTERPRISE_SCOPES bits (identity always set). */
export type EnterpriseIdentityProofMessage = IdentityProofMessage & { enterprise: Hex; scopes: string };
export type SignedIdentityProof = { message: IdentityProofMessage; signature: Hex };
export type SignedEnterpriseIdentityProof = { message: EnterpriseIdentityProofMessage; signature: Hex };

/** Whether a proof is a representative's for an enterprise. */
export function isEnterpriseIdentityProof(message: IdentityProofMessage): message is EnterpriseIdentityProofMessage {
  return typeof (message as Partial<EnterpriseIdentityProofMessage>).enterprise === "string";
}

export type IdentityProofParameters = {
  chainId: Numberish;
  citizen: Hex;
  controller: Address;
  /** Who asked (the verifier's origin or service name): a proof for one verifier is useless to another. */
  audience: string;
  /** The verifier's random challenge. */
  challenge: Hex;
  issuedAt?: Numberish;
};

export function identityProofMessage(p: IdentityProofParameters): IdentityProofMessage {
  if (typeof p.audience !== "string" || p.audience.length === 0)
    throw new InvalidInputError("INVALID_REQUEST", "audience", "audience must name the verifier.");
  return {
    citizen: toNonZeroBytes32("citizen", p.citizen),
    controller: toAddress("controller", p.controller),
    audience: p.audience,
    challenge: toNonZeroBytes32("challenge", p.challenge),
    issuedAt: toUint("issuedAt", p.issuedAt ?? Math.floor(Date.now() / 1000), 64).toString(),
  };
}

export type EnterpriseIdentityProofParameters = IdentityProofParameters & {
  /** The enterprise id (enterpriseIdOf its unified social credit code). */
  enterprise: Hex;
  /** ENTERPRISE_SCOPES bits the representative claims beside identity (the identity scope is always asked). */
  scopes?: Numberish;
};

export function enterpriseIdentityProofMessage(p: EnterpriseIdentityProofParameters): EnterpriseIdentityProofMessage {
  const scopes = toUint("scopes", p.scopes ?? 0n, 64) | ENTERPRISE_SCOPES.identity;
  return { ...identityProofMessage(p), enterprise: toNonZeroBytes32("enterprise", p.enterprise), scopes: scopes.toString() };
}

/** The typed data a proof is signed as: IdentityProof, or EnterpriseIdentityProof when it names an enterprise. */
export function identityProofTypedData(chainId: Numberish, message: IdentityProofMessage): TypedDataDefinition<"IdentityProof" | "EnterpriseIdentityProof"> {
  if (isEnterpriseIdentityProof(message)) {
    return {
      domain: chainDomain(GATEWAY_DOMAIN_NAME, toChainId("chainId", chainId)),
      types: enterpriseIdentityProofTypes,
      primaryType: "EnterpriseIdentityProof",
      message: { ...message, scopes: BigInt(message.scopes), issuedAt: BigInt(message.issuedAt) },
    };
  }
  return {
    domain: chainDomain(GATEWAY_DOMAIN_NAME, toChainId("chainId", chainId)),
    types: identityProofTypes,
    primaryType: "IdentityProof",
    message: { ...message, issuedAt: BigInt(message.issuedAt) },
  };
}

/** A representative's wallet answers a challenge for an enterprise. */
export function signEnterpriseIdentityProof(account: LocalAccount, p: Omit<EnterpriseIdentityProofParameters, "controller">): SignedEnterpriseIdentityProof {
  const message = enterpriseIdentityProofMessage({ ...p, controller: account.address });
  return { message, signature: account.signTypedData(identityProofTypedData(p.chainId, message)) };
}

/** The citizen's wallet answers a challenge. */
export function signIdentityProof(account: LocalAccount, p: Omit<IdentityProofParameters, "controller">): SignedIdentityProof {
  const message = identityProofMessage({ ...p, controller: account.address });
  return { message, signature: account.signTypedData(identityProofTypedData(p.chainId, message)) };
}
