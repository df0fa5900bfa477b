// Flow 5, "I am me" without an ID card: a challenge from the gateway, the citizen's IdentityProof
// over it, the gateway's verdict (logged as an access of kind "identity").
import Type, { type Static } from "typebox";
import { address, bearer, bytes32, errors, hexBytes, receipt, routeSchema } from "./common.js";
import { identityProofMessageSchema } from "./auth.js";

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
  receipt,
});
export type IdentityVerdict = Static<typeof identityVerdictSchema>;

export const identityVerifySchema = routeSchema({
  tags: ["agency"],
  summary: "Check a citizen's signed answer to a challenge",
  security: bearer,
  // A key's 65-byte signature, or an account's ERC-1271 signature (a passkey's WebAuthn assertion).
  body: Type.Object({ message: identityProofMessageSchema, signature: hexBytes }, { additionalProperties: false }),
  response: { 200: identityVerdictSchema, ...errors },
});
