// Flow 5, "I am me" without an ID card: a challenge from the gateway, the citizen's IdentityProof
// over it, the gateway's verdict (logged as an access of kind "identity").
import Type, { type Static } from "typebox";
import { address, bearer, bytes32, bytes32With, errors, hexBytes, receipt, routeSchema, uintString } from "./common.js";
import { identityProofMessageSchema } from "./auth.js";

/**
 * A representative's proof for an enterprise: the citizen's IdentityProof fields plus the enterprise
 * and the ENTERPRISE_SCOPES bits it claims (the identity scope is always required), signed as an
 * EnterpriseIdentityProof (sdk/gateway/identityProof).
 */
export const enterpriseIdentityProofMessageSchema = Type.Object(
  {
    ...identityProofMessageSchema.properties,
    enterprise: bytes32With("the enterprise id (enterpriseIdOf its unified social credit code)"),
    scopes: Type.String({ pattern: "^[0-9]{1,20}$", description: "ENTERPRISE_SCOPES bits claimed beside identity" }),
  },
  { additionalProperties: false },
);

export const challengeSchema = Type.Object({ challenge: bytes32, expiresAt: Type.Integer(), audience: Type.String() });
export type IdentityChallenge = Static<typeof challengeSchema>;

export const identityChallengeSchema = routeSchema({
  tags: ["agency"],
  summary: "A one-shot challenge for the citizen to sign",
  security: bearer,
  response: { 200: challengeSchema, ...errors },
});

export const identityVerdictSchema = Type.Object({
  verified: Type.Boolean(),
  reason: Type.String(),
  citizen: bytes32,
  signer: Type.Optional(address),
  asGuardian: Type.Boolean(),
  level: Type.Integer(),
  /** For an enterprise's proof: the enterprise (the access is logged under it), the scopes proven, and in which capacity. */
  enterprise: Type.Optional(bytes32),
  scopes: Type.Optional(uintString),
  asLegalRepresentative: Type.Optional(Type.Boolean()),
  receipt,
});
export type IdentityVerdict = Static<typeof identityVerdictSchema>;

export const identityVerifySchema = routeSchema({
  tags: ["agency"],
  summary: "Check a citizen's signed answer to a challenge, or a representative's for an enterprise",
  security: bearer,
  // A key's 65-byte signature, or an account's ERC-1271 signature (a passkey's WebAuthn assertion).
  body: Type.Object(
    { message: Type.Union([identityProofMessageSchema, enterpriseIdentityProofMessageSchema]), signature: hexBytes },
    { additionalProperties: false },
  ),
  response: { 200: identityVerdictSchema, ...errors },
});
