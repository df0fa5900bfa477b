// "I am me": a citizen signs a verifier's challenge with the identity's controller key. Pure part;
// the on-chain check is the action verifyIdentityProof.
import type { LocalAccount } from "../keys/privateKeyToAccount.js";
import { InvalidInputError } from "../errors/errors.js";
import { toAddress, toChainId, toNonZeroBytes32, toUint } from "../internal/validate.js";
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

export type IdentityProofMessage = { citizen: Hex; controller: Address; audience: string; challenge: Hex; issuedAt: string };
export type SignedIdentityProof = { message: IdentityProofMessage; signature: Hex };

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

export function identityProofTypedData(chainId: Numberish, message: IdentityProofMessage): TypedDataDefinition<"IdentityProof"> {
  return {
    domain: chainDomain(GATEWAY_DOMAIN_NAME, toChainId("chainId", chainId)),
    types: identityProofTypes,
    primaryType: "IdentityProof",
    message: { ...message, issuedAt: BigInt(message.issuedAt) },
  };
}

/** The citizen's wallet answers a challenge. */
export function signIdentityProof(account: LocalAccount, p: Omit<IdentityProofParameters, "controller">): SignedIdentityProof {
  const message = identityProofMessage({ ...p, controller: account.address });
  return { message, signature: account.signTypedData(identityProofTypedData(p.chainId, message)) };
}
