// What a citizen sees of themselves, what an agency sees of its consents, what an auditor sees of everyone.
import Type, { type Static } from "typebox";
import { accessRecord, address, bearer, bytes32, consentPaging, errors, nextCursor, paging, routeSchema } from "./common.js";

const consentProperties = {
  consentId: Type.Optional(bytes32),
  agency: Type.Optional(address),
  scopes: Type.Optional(Type.String()),
  purpose: Type.Optional(bytes32),
  validFrom: Type.Optional(Type.String()),
  validUntil: Type.Optional(Type.String()),
  maxUses: Type.Optional(Type.Integer()),
  status: Type.Optional(Type.String({ description: "none | active | paused | revoked | lapsed (a guardian's grant whose guardianship ended)" })),
  lapseReason: Type.Optional(Type.String({ description: "with status lapsed: GUARDIAN_REMOVED | GUARDIAN_EXPIRED | GUARDIAN_REPLACED" })),
  byGuardian: Type.Optional(Type.Boolean()),
  grantedBy: Type.Optional(address),
  confirmed: Type.Optional(Type.Boolean({ description: "the citizen's own key confirmed a guardian's grant: it does not lapse" })),
  uses: Type.Optional(Type.Integer({ description: "uses counted on chain (limited consents)" })),
  grantedBlock: Type.Optional(Type.Integer()),
};
/** A consent as the gateway's index has it (scopes, validFrom, validUntil as decimal strings; status by name). */
export const consentViewSchema = Type.Object(consentProperties);
export type ConsentJson = Static<typeof consentViewSchema>;

export const statutoryViewSchema = Type.Object({
  grantId: Type.Optional(bytes32),
  agency: Type.Optional(address),
  scopes: Type.Optional(Type.String()),
  purpose: Type.Optional(bytes32),
  legalBasis: Type.Optional(bytes32),
  validFrom: Type.Optional(Type.String()),
  validUntil: Type.Optional(Type.String()),
  revoked: Type.Optional(Type.Boolean()),
  reviewed: Type.Optional(Type.Boolean()),
  anyCitizen: Type.Optional(Type.Boolean()),
});
export type StatutoryJson = Static<typeof statutoryViewSchema>;

export const accessPageSchema = Type.Object({ records: Type.Array(accessRecord) });
export type AccessPage = Static<typeof accessPageSchema>;

export const citizenConsentsSchema = routeSchema({
  tags: ["citizen"],
  summary: "The citizen's consents (a page, in grant order) and the statutory grants that can reach them (all, on every page)",
  security: bearer,
  querystring: Type.Object(consentPaging, { additionalProperties: false }),
  response: {
    200: Type.Object({ citizen: bytes32, consents: Type.Array(consentViewSchema), statutory: Type.Array(statutoryViewSchema), next: nextCursor }),
    ...errors,
  },
});

export const citizenAccessesSchema = routeSchema({
  tags: ["citizen"],
  summary: "Every access to the citizen's data, allowed or denied",
  security: bearer,
  querystring: Type.Object(paging, { additionalProperties: false }),
  response: { 200: accessPageSchema, ...errors },
});

export const agencyConsentsSchema = routeSchema({
  tags: ["agency"],
  summary: "The consents granted to the calling agency, with their current status (a page, in grant order)",
  security: bearer,
  querystring: Type.Object(consentPaging, { additionalProperties: false }),
  response: {
    200: Type.Object({ agency: address, consents: Type.Array(Type.Object({ ...consentProperties, citizen: Type.Optional(bytes32) })), next: nextCursor }),
    ...errors,
  },
});

export const auditAccessesSchema = routeSchema({
  tags: ["auditor"],
  summary: "Trace accesses by citizen, agency, purpose and time (unix ms)",
  security: bearer,
  querystring: Type.Object(
    {
      ...paging,
      citizen: Type.Optional(bytes32),
      agency: Type.Optional(address),
      purpose: Type.Optional(bytes32),
      fromTime: Type.Optional(Type.String({ pattern: "^[0-9]{1,15}$" })),
      toTime: Type.Optional(Type.String({ pattern: "^[0-9]{1,15}$" })),
    },
    { additionalProperties: false },
  ),
  response: { 200: accessPageSchema, ...errors },
});
