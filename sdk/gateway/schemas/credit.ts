// Joint reward and punishment without disclosure (an agency asks "is this subject on list <schema>?"
// and gets a signed yes/no, logged like every access), and the public lookup of lists whose schema
// says public (公示), which serves only the fields published by law.
import Type, { type Static } from "typebox";
import { accessHeaders, address, bytes32, bytes32With, denial, errors, routeSchema, security, stringEnum, UINT_PATTERN, unixSeconds } from "./common.js";
import { predicateResultSchema } from "./access.js";

export const creditPredicateSchemaBody = Type.Object(
  {
    type: Type.Literal("creditListed"),
    schemaId: bytes32With("the credit list (a credential schema the governor declared a red or black list)"),
  },
  { additionalProperties: false },
);
export type CreditPredicateJson = Static<typeof creditPredicateSchemaBody>;

export const creditPredicateRequestSchema = Type.Object(
  {
    citizen: bytes32With("the subject: a citizen id or an enterprise id (enterpriseIdOf(code))"),
    scopes: Type.String({ pattern: UINT_PATTERN, description: 'exactly the "credentials" category bit' }),
    purpose: bytes32,
    grantId: Type.Optional(bytes32With("a consent (the citizen's, or the enterprise's through its representative) or a statutory grant")),
    predicate: creditPredicateSchemaBody,
  },
  { additionalProperties: false },
);
export type CreditPredicateRequestJson = Static<typeof creditPredicateRequestSchema>;

export const creditPredicateRouteSchema = routeSchema({
  tags: ["agency"],
  summary: "A signed yes/no: is this citizen or enterprise listed now on a red or black list?",
  description: "Answered from the CreditRegistry on chain and logged like every access; no entry, reason or authority leaves.",
  security,
  headers: accessHeaders,
  body: creditPredicateRequestSchema,
  response: { 200: predicateResultSchema, 403: denial, 404: denial, ...errors },
});

export const PUBLIC_ENTRY_STATUSES = ["listed", "not-yet-listed", "expired", "ended"] as const;

export const publicCreditEntrySchema = Type.Object({
  entryId: bytes32,
  schemaId: bytes32,
  list: Type.String({ description: "the schema's registered name" }),
  kind: stringEnum(["red", "black"] as const),
  authority: address,
  legalBasis: bytes32With("hash of the provision the entry rests on"),
  reason: Type.Integer(),
  startsAt: unixSeconds,
  endsAt: Type.String({ pattern: "^[0-9]{1,12}$", description: "0: until ended" }),
  status: stringEnum(PUBLIC_ENTRY_STATUSES),
  endedAt: unixSeconds,
});
export type PublicCreditEntry = Static<typeof publicCreditEntrySchema>;

export const publicCreditAnswerSchema = Type.Object({
  subject: bytes32,
  code: Type.Optional(Type.String()),
  entries: Type.Array(publicCreditEntrySchema),
});
export type PublicCreditAnswer = Static<typeof publicCreditAnswerSchema>;

export const publicCreditRouteSchema = routeSchema({
  tags: ["public"],
  summary: "Public (公示) credit entries of an enterprise or subject: only lists whose schema is public",
  querystring: Type.Object(
    {
      code: Type.Optional(Type.String({ minLength: 18, maxLength: 18, description: "unified social credit code" })),
      subject: Type.Optional(bytes32),
    },
    { additionalProperties: false },
  ),
  response: { 200: publicCreditAnswerSchema, ...errors },
});
