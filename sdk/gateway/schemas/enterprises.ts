// Enterprises through the gateway: the counter puts an enterprise's record into the vault (the record
// whose salted commitment the counter put on chain), and its representatives read the enterprise's
// tracker: every access to its records, its consents, and its credit entries and repair applications.
import Type, { type Static } from "typebox";
import { accessRecord, address, bearer, bytes32, bytes32With, errors, paging, routeSchema, stringEnum, unixSeconds } from "./common.js";
import { consentViewSchema } from "./records.js";

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
