// One code per person: the citizen fetches the gateway's staple (sdk/oneCode) and her phone signs
// fresh codes over it; a verifier device (a door, a counter, a hospital reception) checks a code
// online, or checks it offline and uploads what it accepted later. Every check is an access record
// of kind "identity" under the device's account, at the time it happened.
import Type, { type Static } from "typebox";
import { address, bearer, bytes32, bytes32With, errors, receipt, routeSchema, signature, unixSeconds } from "./common.js";
import { ONE_CODE_MAX_CHARS } from "../../oneCode/oneCodeFormat.js";
import { ONE_CODE_MAX_STAPLE_TTL_SECONDS } from "../../oneCode/oneCodeTypedData.js";

/** The most verifications one upload carries. */
export const ONE_CODE_MAX_UPLOAD = 200;

const codeText = Type.String({ minLength: 1, maxLength: ONE_CODE_MAX_CHARS, pattern: "^[A-Za-z0-9_-]+$", description: "the code's text, as the QR carries it" });

export const oneCodeClaimSchema = Type.Object(
  { schema: bytes32, credential: bytes32, name: Type.String({ minLength: 1, maxLength: 32 }), value: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const oneCodeStapleSchema = routeSchema({
  tags: ["citizen"],
  summary: "The gateway's short-lived statement that the signed-in key controls this identity now (the staple a one code carries)",
  security: bearer,
  body: Type.Object(
    {
      ttlSeconds: Type.Optional(Type.Integer({ minimum: 30, maximum: ONE_CODE_MAX_STAPLE_TTL_SECONDS, description: "how long the staple lasts; default 300" })),
      credential: Type.Optional(bytes32With("a credential anchored about the citizen (or the enterprise), to disclose as the code's one claim")),
      enterprise: Type.Optional(bytes32With("an enterprise the signed-in key represents: the staple then says the key acts for it (enterprise one code)")),
      scopes: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: "ENTERPRISE_SCOPES bits to show beside identity (enterprise codes only)" })),
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      status: Type.Object({
        citizen: bytes32,
        controller: address,
        level: Type.Integer(),
        blockNumber: Type.String({ pattern: "^[0-9]{1,20}$" }),
        issuedAt: Type.Integer(),
        expiresAt: Type.Integer(),
        claimHash: bytes32,
        enterprise: Type.Optional(bytes32),
        scopes: Type.Optional(Type.Integer()),
      }),
      signature,
      claim: Type.Optional(oneCodeClaimSchema),
      gateway: address,
    }),
    ...errors,
  },
});
export type OneCodeStapleJson = Static<(typeof oneCodeStapleSchema)["response"][200]>;

export const oneCodeVerdictSchema = Type.Object({
  verified: Type.Boolean(),
  /** ONE_CODE_VERIFIED, ONE_CODE_OFFLINE_VERIFIED, or the ONE_CODE_* refusal. */
  reason: Type.String(),
  citizen: Type.Optional(bytes32),
  controller: Type.Optional(address),
  level: Type.Optional(Type.Integer()),
  /** An enterprise's code: the enterprise the holder acts for (the access is logged under it) and the scopes stapled. */
  enterprise: Type.Optional(bytes32),
  scopes: Type.Optional(Type.Integer()),
  claim: Type.Optional(oneCodeClaimSchema),
  /** When the check happened, unix milliseconds (for an upload, the device's time). */
  time: Type.Integer(),
  receipt: Type.Optional(receipt),
});
export type OneCodeVerdictJson = Static<typeof oneCodeVerdictSchema>;

export const oneCodeVerifySchema = routeSchema({
  tags: ["verifier"],
  summary: "Check a one code now (verifier devices); logged as an access of kind identity",
  security: bearer,
  body: Type.Object({ code: codeText }, { additionalProperties: false }),
  response: { 200: oneCodeVerdictSchema, ...errors },
});

export const oneCodeUploadSchema = routeSchema({
  tags: ["verifier"],
  summary: "Upload the codes a verifier device accepted while offline; each is checked again and logged at the time it happened",
  security: bearer,
  body: Type.Object(
    {
      verifications: Type.Array(Type.Object({ code: codeText, verifiedAt: unixSeconds }, { additionalProperties: false }), { minItems: 1, maxItems: ONE_CODE_MAX_UPLOAD }),
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Object({ results: Type.Array(oneCodeVerdictSchema) }), ...errors },
});
