// A presented credential (sdk/credentials) checked by the gateway against its index.
import Type, { type Static } from "typebox";
import { address, bearer, bytes32, errors, receipt, routeSchema, signature, unixSeconds } from "./common.js";

export const presentationSchema = Type.Object(
  {
    document: Type.Object(
      {
        chainId: Type.Integer({ minimum: 1 }),
        id: bytes32,
        schemaId: bytes32,
        issuer: address,
        subject: bytes32,
        validFrom: unixSeconds,
        validUntil: unixSeconds,
        claimDigests: Type.Array(bytes32, { maxItems: 256 }),
      },
      { additionalProperties: false },
    ),
    disclosures: Type.Array(
      Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), value: Type.Unknown(), salt: bytes32 }, { additionalProperties: false }),
      { maxItems: 256 },
    ),
    signature,
    batch: Type.Optional(Type.Object({ root: bytes32, proof: Type.Array(bytes32, { maxItems: 64 }) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const credentialVerdictSchema = Type.Object({
  valid: Type.Boolean(),
  credentialHash: bytes32,
  status: Type.String(),
  claims: Type.Unsafe<Record<string, unknown>>({ type: "object", additionalProperties: true }),
  problems: Type.Array(Type.String()),
  receipt,
});
export type CredentialVerdict = Static<typeof credentialVerdictSchema>;

export const credentialVerifySchema = routeSchema({
  tags: ["agency"],
  summary: "Verify a presented credential or one disclosed claim",
  security: bearer,
  body: Type.Object({ presentation: presentationSchema, subject: Type.Optional(bytes32) }, { additionalProperties: false }),
  response: { 200: credentialVerdictSchema, ...errors },
});

/** One credential anchored about the signed-in citizen, as the index sees it (no claim leaves the holder's device). */
export const citizenCredentialSchema = Type.Object({
  credentialHash: bytes32,
  schemaId: bytes32,
  issuer: address,
  validFrom: unixSeconds,
  validUntil: unixSeconds,
  status: Type.Union([
    Type.Literal("unknown"),
    Type.Literal("valid"),
    Type.Literal("revoked"),
    Type.Literal("suspended"),
    Type.Literal("expired"),
    Type.Literal("notYetValid"),
  ]),
});
export type CitizenCredential = Static<typeof citizenCredentialSchema>;

export const citizenCredentialsSchema = routeSchema({
  tags: ["citizen"],
  summary: "Credentials anchored about the signed-in citizen, with their status now",
  security: bearer,
  response: { 200: Type.Object({ credentials: Type.Array(citizenCredentialSchema) }), ...errors },
});
