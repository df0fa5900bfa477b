// Enterprises through the gateway: the counter puts an enterprise's record into the vault (the record
// whose salted commitment the counter put on chain), and its representatives read the enterprise's
// tracker: every access to its records, its consents, and its credit entries and repair applications.
import Type, { type Static } from "typebox";
import { accessRecord, address, bearer, bytes32, bytes32With, errors, paging, routeSchema, stringEnum, unixSeconds } from "./common.js";
import { consentViewSchema, statutoryViewSchema } from "./records.js";

const enterpriseParams = Type.Object({ enterprise: bytes32With("the enterprise id (enterpriseIdOf(code))") }, { additionalProperties: false });

export const enterpriseRecordBodySchema = Type.Object(
  {
    salt: bytes32,
    record: Type.Unsafe<Record<string, Record<string, unknown>>>({
      type: "object",
      maxProperties: 32,
      additionalProperties: { type: "object", maxProperties: 64 },
      description: "category → fields, e.g. { licence: { number, kind, validUntil, status }, tax: { standing, asOf } }",
    }),
  },
  { additionalProperties: false },
);
export type EnterpriseRecordBody = Static<typeof enterpriseRecordBodySchema>;

export const enterpriseRecordStoredSchema = Type.Object({ enterprise: bytes32, commitment: bytes32, categories: Type.Array(Type.String()) });
export type EnterpriseRecordStored = Static<typeof enterpriseRecordStoredSchema>;

export const putEnterpriseRecordSchema = routeSchema({
  tags: ["enterprise"],
  summary: "The counter stores an enterprise's record in the vault",
  description:
    "Only the record whose salted commitment (recordCommitment(record, salt)) is the enterprise's commitment on chain is stored: the counter registers or updates the commitment first (EnterpriseRegistry.register / updateRecord), then stores the record here. Counter role.",
  security: bearer,
  params: enterpriseParams,
  body: enterpriseRecordBodySchema,
  response: { 200: enterpriseRecordStoredSchema, ...errors },
});

export const trackerCreditEntrySchema = Type.Object({
  entryId: bytes32,
  schemaId: bytes32,
  list: Type.String(),
  kind: stringEnum(["red", "black"] as const),
  published: Type.Boolean(),
  authority: address,
  legalBasis: bytes32,
  reason: Type.Integer(),
  startsAt: unixSeconds,
  endsAt: unixSeconds,
  status: Type.String({ description: "listed | not-yet-listed | expired | ended" }),
  endedAt: unixSeconds,
});

export const trackerRepairSchema = Type.Object({
  repairId: Type.String(),
  entryId: bytes32,
  evidenceHash: bytes32,
  applicant: address,
  status: stringEnum(["none", "pending", "approved", "rejected"] as const),
  filedAt: unixSeconds,
  decidedAt: unixSeconds,
  decidedBy: address,
  decisionReason: Type.Integer(),
});

export const enterpriseTrackerSchema = Type.Object({
  enterprise: bytes32,
  /** The citizen behind the session, and whether as the legal representative. */
  viewer: Type.Object({ citizen: bytes32, asLegalRepresentative: Type.Boolean() }),
  accesses: Type.Array(accessRecord),
  consents: Type.Array(Type.Object({ ...consentViewSchema.properties, citizen: Type.Optional(bytes32) })),
  /** Statutory grants that can reach the enterprise: those naming it, and those for any subject (as a citizen sees hers). */
  statutory: Type.Array(statutoryViewSchema),
  credit: Type.Object({ entries: Type.Array(trackerCreditEntrySchema), repairs: Type.Array(trackerRepairSchema) }),
});
export type EnterpriseTracker = Static<typeof enterpriseTrackerSchema>;

export const enterpriseTrackerRouteSchema = routeSchema({
  tags: ["enterprise"],
  summary: "The enterprise's tracker, for its representatives: accesses to its records, its consents, its credit entries and repair applications",
  description:
    "A citizen session whose key is the enterprise's legal representative or staff holding the tracker scope (checked on chain at each request). Accesses are paged like the citizen's own (afterSeq, limit); statutory accesses are held back for the configured delay, as for citizens.",
  security: bearer,
  params: enterpriseParams,
  querystring: Type.Object(paging, { additionalProperties: false }),
  response: { 200: enterpriseTrackerSchema, ...errors },
});

// What the web app's enterprise screens read: the enterprises a citizen acts for, and, for each, its
// staff, its consents and its credit entries, each behind the scope that acts on it.
const scopeNames = Type.Array(Type.String(), { description: "ENTERPRISE_SCOPES names" });

export const citizenEnterprisesSchema = routeSchema({
  tags: ["enterprise"],
  summary: "The enterprises the signed-in citizen acts for now, as legal representative or staff",
  description:
    "Read from the EnterpriseRegistry at each request (removed or expired appointments are not listed). Name and code come from the register's part of the enterprise's record in the vault, when the counter stored one. A guardian's session acts for no enterprise and gets an empty list.",
  security: bearer,
  response: {
    200: Type.Object({
      citizen: bytes32,
      enterprises: Type.Array(
        Type.Object({
          enterprise: bytes32,
          name: Type.Optional(Type.String()),
          code: Type.Optional(Type.String()),
          asLegalRepresentative: Type.Boolean(),
          scopes: Type.String({ description: "ENTERPRISE_SCOPES bits (decimal)" }),
          scopeNames,
          expiresAt: Type.String({ pattern: "^[0-9]{1,20}$", description: "0 for the legal representative" }),
        }),
      ),
    }),
    ...errors,
  },
});
export type CitizenEnterprises = Static<(typeof citizenEnterprisesSchema)["response"][200]>;

export const enterpriseStaffRouteSchema = routeSchema({
  tags: ["enterprise"],
  summary: "Who acts for the enterprise: its legal representative and every staff appointment, for its representatives",
  security: bearer,
  params: enterpriseParams,
  response: {
    200: Type.Object({
      enterprise: bytes32,
      legalRepresentative: bytes32,
      viewer: Type.Object({ citizen: bytes32, asLegalRepresentative: Type.Boolean() }),
      staff: Type.Array(
        Type.Object({
          staff: bytes32,
          scopes: Type.String(),
          scopeNames,
          appointedAt: Type.String({ pattern: "^[0-9]{1,20}$" }),
          expiresAt: Type.String({ pattern: "^[0-9]{1,20}$" }),
          removedAt: Type.String({ pattern: "^[0-9]{1,20}$" }),
          active: Type.Boolean(),
        }),
      ),
    }),
    ...errors,
  },
});
export type EnterpriseStaffList = Static<(typeof enterpriseStaffRouteSchema)["response"][200]>;

export const enterpriseConsentsRouteSchema = routeSchema({
  tags: ["enterprise"],
  summary: "The enterprise's consents, for representatives holding the consent scope (who may pause, resume or revoke them)",
  security: bearer,
  params: enterpriseParams,
  response: { 200: Type.Object({ enterprise: bytes32, consents: enterpriseTrackerSchema.properties.consents }), ...errors },
});
export type EnterpriseConsents = Static<(typeof enterpriseConsentsRouteSchema)["response"][200]>;

export const enterpriseCreditRouteSchema = routeSchema({
  tags: ["enterprise"],
  summary: "The enterprise's credit entries (every list, published or not) and its repair applications, for representatives holding the credit scope",
  security: bearer,
  params: enterpriseParams,
  response: { 200: Type.Object({ enterprise: bytes32, ...enterpriseTrackerSchema.properties.credit.properties }), ...errors },
});
export type EnterpriseCredit = Static<(typeof enterpriseCreditRouteSchema)["response"][200]>;
