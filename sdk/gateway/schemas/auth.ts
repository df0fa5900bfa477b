// Logins: staff sign an AgencyLogin, citizens an IdentityProof over a login challenge.
import Type, { type Static } from "typebox";
import { address, bytes32, errors, hexBytes, routeSchema, signature, unixSeconds } from "./common.js";

const audience = Type.String({ minLength: 1, maxLength: 200 });

export const agencyLoginMessageSchema = Type.Object(
  { agency: address, gateway: address, audience, nonce: bytes32, issuedAt: unixSeconds, expiresAt: unixSeconds },
  { additionalProperties: false },
);

export const identityProofMessageSchema = Type.Object(
  { citizen: bytes32, controller: address, audience, challenge: bytes32, issuedAt: unixSeconds },
  { additionalProperties: false },
);

export const sessionSchema = Type.Object({
  token: Type.String(),
  expiresAt: Type.Integer(),
  account: address,
  roles: Type.Optional(Type.Array(Type.String())),
  citizen: Type.Optional(bytes32),
  asGuardian: Type.Optional(Type.Boolean()),
  level: Type.Optional(Type.Integer()),
});
/** A gateway session: the bearer token and who it speaks for. */
export type GatewaySession = Static<typeof sessionSchema>;

export const loginChallengeSchema = routeSchema({
  tags: ["auth"],
  summary: "A one-shot challenge for a citizen login",
  response: {
    200: Type.Object({ challenge: bytes32, expiresAt: Type.Integer(), audience: Type.String(), gateway: address }),
    ...errors,
  },
});
export type LoginChallenge = Static<(typeof loginChallengeSchema)["response"][200]>;

export const staffLoginSchema = routeSchema({
  tags: ["auth"],
  summary: "Staff login (agency, registrar, issuer, auditor) with the on-chain key",
  body: Type.Object({ message: agencyLoginMessageSchema, signature }, { additionalProperties: false }),
  response: { 200: sessionSchema, ...errors },
});

export const citizenLoginSchema = routeSchema({
  tags: ["auth"],
  summary: "Citizen (or guardian) login: an IdentityProof over a login challenge",
  // A key's 65-byte signature, or an account's ERC-1271 signature (a passkey's WebAuthn assertion).
  body: Type.Object({ message: identityProofMessageSchema, signature: hexBytes }, { additionalProperties: false }),
  response: { 200: sessionSchema, ...errors },
});
