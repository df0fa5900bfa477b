// Community trust (共享社区): an attester publishes a fact's opening, a resident shares chosen facts
// with a neighbour (relayed, signed by her key), the neighbour views them (logged like every access),
// and the resident sees her facts, her shares and who viewed what.
import Type, { type Static } from "typebox";
import { COMMUNITY_FACTS } from "../../community/communityFacts.js";
import { address, bearer, bytes32, denial, errors, receipt, routeSchema, stringEnum, unixSeconds } from "./common.js";
import { authorizationSchema } from "./consents.js";

const fact = stringEnum(COMMUNITY_FACTS, { description: "a community fact's topic" });
const shareStatus = stringEnum(["active", "revoked", "expired"] as const);
const factStatus = stringEnum(["valid", "revoked", "expired"] as const);
const shownFact = Type.Object({ fact, value: Type.Boolean() });

export const publishedCommunityFactSchema = Type.Object({ uid: bytes32, resident: bytes32, fact, status: Type.Literal("published") });
export type PublishedCommunityFact = Static<typeof publishedCommunityFactSchema>;

export const publishCommunityFactSchema = routeSchema({
  tags: ["community"],
  summary: "Hand the gateway a fact's opening (topic, value, salt) after CommunityRegistry.attest; it must open the commitment on chain",
  body: Type.Object({ uid: bytes32, fact, value: Type.Boolean(), salt: bytes32 }, { additionalProperties: false }),
  response: { 200: publishedCommunityFactSchema, ...errors },
});

export const communityRelayedSchema = Type.Object({ txHash: bytes32, blockNumber: Type.Integer(), shareId: bytes32, status: stringEnum(["active", "revoked"] as const) });
export type CommunityRelayed = Static<typeof communityRelayedSchema>;

export const shareRequestSchema = Type.Object(
  { resident: bytes32, neighbour: bytes32, facts: Type.Array(bytes32, { minItems: 1, maxItems: 8 }), validUntil: unixSeconds },
  { additionalProperties: false },
);
export type ShareRequestJson = Static<typeof shareRequestSchema>;

export const shareCommunityFactsSchema = routeSchema({
  tags: ["community"],
  summary: "Relay a resident's signed Share (CommunityRegistry.shareBySig)",
  body: Type.Object({ request: shareRequestSchema, authorization: authorizationSchema }, { additionalProperties: false }),
  response: { 200: communityRelayedSchema, ...errors },
});

export const revokeCommunityShareSchema = routeSchema({
  tags: ["community"],
  summary: "Relay a resident's signed RevokeShare (CommunityRegistry.revokeShareBySig)",
  params: Type.Object({ shareId: bytes32 }, { additionalProperties: false }),
  body: Type.Object({ authorization: authorizationSchema }, { additionalProperties: false }),
  response: { 200: communityRelayedSchema, ...errors },
});

export const communityViewSchema = Type.Object({
  shareId: bytes32,
  resident: bytes32,
  residentName: Type.Optional(Type.String()),
  validUntil: unixSeconds,
  facts: Type.Array(shownFact),
  receipt,
});
export type CommunityView = Static<typeof communityViewSchema>;

export const viewCommunityShareSchema = routeSchema({
  tags: ["community"],
  summary: "A neighbour (citizen session) reads the facts a resident shares with her; logged in the resident's tracker",
  security: bearer,
  params: Type.Object({ shareId: bytes32 }, { additionalProperties: false }),
  response: { 200: communityViewSchema, 403: denial, 404: denial, ...errors },
});

export const communityNonceSchema = routeSchema({
  tags: ["community"],
  summary: "A signer's current nonce at the CommunityRegistry (for a browser without JSON-RPC)",
  params: Type.Object({ signer: address }, { additionalProperties: false }),
  response: { 200: Type.Object({ signer: address, nonce: Type.String() }), ...errors },
});

export const citizenCommunitySchema = routeSchema({
  tags: ["community", "citizen"],
  summary: "The signed-in resident's facts, what she shares and with whom, what neighbours share with her, and who viewed what",
  security: bearer,
  response: {
    200: Type.Object({
      citizen: bytes32,
      facts: Type.Array(Type.Object({ uid: bytes32, fact, value: Type.Boolean(), issuedAt: unixSeconds, expiresAt: unixSeconds, status: factStatus })),
      shared: Type.Array(Type.Object({ shareId: bytes32, neighbour: bytes32, facts: Type.Array(fact), validUntil: unixSeconds, status: shareStatus })),
      sharedWithMe: Type.Array(Type.Object({ shareId: bytes32, resident: bytes32, residentName: Type.Optional(Type.String()), validUntil: unixSeconds, status: shareStatus })),
      views: Type.Array(
        Type.Object({
          seq: Type.Integer(),
          time: Type.Integer(),
          shareId: bytes32,
          viewer: Type.Optional(bytes32),
          viewerName: Type.Optional(Type.String()),
          facts: Type.Array(shownFact),
          decision: stringEnum(["allowed", "denied"] as const),
          reason: Type.String(),
        }),
      ),
    }),
    ...errors,
  },
});
export type CitizenCommunity = Static<(typeof citizenCommunitySchema)["response"][200]>;
