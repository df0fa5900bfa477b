// Agencies read data (flow 3) or ask yes/no questions (flow 4), with a session token or a signed
// request (sdk/gateway/agencyRequest); either way the decision is logged before the answer leaves.
import Type, { type Static } from "typebox";
import { accessHeaders, bytes32, bytes32With, denial, errors, receipt, routeSchema, security, signature, UINT_PATTERN } from "./common.js";

const accessTerms = {
  citizen: bytes32,
  scopes: Type.String({ pattern: UINT_PATTERN, description: "bitmask of data categories (bit i = category i)" }),
  purpose: bytes32,
  grantId: Type.Optional(bytes32With("consent or statutory grant; omitted = the latest consent for (citizen, agency, purpose)")),
};

export const dataRequestSchema = Type.Object(
  {
    ...accessTerms,
    encryptTo: Type.Optional(
      Type.Unsafe<`0x${string}`>(
        Type.String({ pattern: "^0x(02|03)[0-9a-fA-F]{64}$|^0x04[0-9a-fA-F]{128}$", description: "the agency's public key: answer encrypted to it" }),
      ),
    ),
  },
  { additionalProperties: false },
);
export type DataRequestJson = Static<typeof dataRequestSchema>;

export const encryptedAnswerSchema = Type.Object({
  alg: Type.Optional(Type.String()),
  ephemeralPublicKey: Type.Optional(Type.String()),
  nonce: Type.Optional(Type.String()),
  ciphertext: Type.Optional(Type.String()),
});

export const dataAnswerSchema = Type.Object({
  citizen: bytes32,
  grantId: bytes32,
  basis: Type.String(),
  scopes: Type.String(),
  purpose: bytes32,
  data: Type.Optional(
    Type.Unsafe<Record<string, Record<string, unknown>>>({ type: "object", additionalProperties: { type: "object", additionalProperties: true } }),
  ),
  encrypted: Type.Optional(encryptedAnswerSchema),
  responseHash: bytes32,
  receipt,
});
export type DataAnswer = Static<typeof dataAnswerSchema>;

export const accessDataSchema = routeSchema({
  tags: ["agency"],
  summary: "Read categories of a citizen's record under a consent or statutory grant",
  security,
  headers: accessHeaders,
  body: dataRequestSchema,
  response: { 200: dataAnswerSchema, 403: denial, 404: denial, ...errors },
});

const predicateUnion = Type.Union([
  Type.Object({ type: Type.Literal("ageAtLeast"), years: Type.Integer({ minimum: 0, maximum: 150 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal("residentOf"), district: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal("hasValidCredential"), schemaId: bytes32 }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal("licenceValid"), kind: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal("taxInGoodStanding") }, { additionalProperties: false }),
]);
// `oneOf`, as the OpenAPI document has always said (TypeBox's Union writes `anyOf`); the type is the union's.
export const predicateSchema = Type.Unsafe<Static<typeof predicateUnion>>({ oneOf: predicateUnion.anyOf });
export type PredicateJson = Static<typeof predicateSchema>;

export const predicateRequestSchema = Type.Object({ ...accessTerms, predicate: predicateSchema }, { additionalProperties: false });
export type PredicateRequestJson = Static<typeof predicateRequestSchema>;

export const predicateAnswerSchema = Type.Object(
  {
    agency: Type.String(),
    citizen: bytes32,
    predicate: bytes32,
    result: Type.Boolean(),
    seq: Type.String(),
    recordHash: bytes32,
    requestHash: bytes32,
    nonce: bytes32,
    issuedAt: Type.String(),
  },
  { description: "signed by the gateway (EIP-712 PredicateAnswer, sdk/gateway/predicateAnswer); check it with the SDK's verifyPredicateAnswer" },
);

/** A department's signed yes/no (EIP-712 DepartmentAnswer, sdk/gateway/departmentAnswer), when the category's owner answered at its source. */
export const departmentAnswerSchema = Type.Object({
  answer: Type.Object({
    department: Type.String(),
    citizen: bytes32,
    predicate: bytes32,
    result: Type.Boolean(),
    question: bytes32,
    issuedAt: Type.String(),
  }),
  signature,
});

export const predicateResultSchema = Type.Object({
  result: Type.Boolean(),
  predicateHash: bytes32,
  grantId: bytes32,
  answer: predicateAnswerSchema,
  signature,
  signer: Type.String(),
  source: Type.Optional(departmentAnswerSchema),
  sourcedSignature: Type.Optional(
    Type.Unsafe<`0x${string}`>(Type.String({ pattern: "^0x[0-9a-fA-F]{130}$", description: "the gateway's signature over the whole (EIP-712 SourcedPredicateAnswer); check with verifySourcedPredicateAnswer" })),
  ),
  receipt,
});
export type PredicateResult = Static<typeof predicateResultSchema>;

export const accessPredicateSchema = routeSchema({
  tags: ["agency"],
  summary: "A signed yes/no about a citizen (age, residence, credential) without disclosing data",
  description: "scopes must be exactly the category the predicate reads: ageAtLeast → birth, residentOf → address, hasValidCredential → credentials, licenceValid → licence, taxInGoodStanding → tax.",
  security,
  headers: accessHeaders,
  body: predicateRequestSchema,
  response: { 200: predicateResultSchema, 403: denial, 404: denial, ...errors, 503: denial },
});
