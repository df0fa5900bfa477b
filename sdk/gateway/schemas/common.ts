// The gateway's HTTP contract, written once. The gateway registers these objects as its route
// schemas (so Fastify validates and serialises with them and @fastify/swagger publishes them at
// /docs), and the SDK's gateway client takes its request and response types from the same objects.
//
// Why TypeBox (the `typebox` package, the maintained successor of `@sinclair/typebox`): a TypeBox
// schema IS a plain JSON Schema object, so Fastify's own Ajv and fast-json-stringify use it as it
// is and the OpenAPI document shows it unchanged, while `Static<typeof schema>` gives the
// TypeScript type from the very same object. zod would need a zod-to-JSON-Schema step whose output
// drifts from what Fastify validates; hand-written JSON Schema plus hand-written types is how the
// two drifted before. It has no dependencies and no Node imports, so these modules run in a browser.
import Type, { type Static, type TSchema } from "typebox";
import type { Address, Hex } from "../../types.js";

const hex = <T extends string = Hex>(pattern: string, description?: string) =>
  Type.Unsafe<T>(Type.String(description === undefined ? { pattern } : { pattern, description }));

/** A string out of a fixed set, as `{ type: "string", enum }` (what the OpenAPI document has always shown). */
export const stringEnum = <const T extends readonly string[]>(values: T, options: { description?: string } = {}) =>
  Type.Unsafe<T[number]>(Type.String({ ...options, enum: [...values] }));

export const bytes32 = hex("^0x[0-9a-fA-F]{64}$");
export const bytes32With = (description: string) => hex("^0x[0-9a-fA-F]{64}$", description);
export const address = hex<Address>("^0x[0-9a-fA-F]{40}$");
export const hexBytes = hex("^0x([0-9a-fA-F]{2}){1,4096}$");
export const signature = hex("^0x[0-9a-fA-F]{130}$");
/** A uint256 as a decimal string or 0x hex (JSON numbers lose precision beyond 2^53). */
export const UINT_PATTERN = "^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$";
export const uintString = Type.String({ pattern: UINT_PATTERN });
/** Unix seconds as a decimal string (a JSON number is refused: "18" is not 18 and 1e9 is not a time). */
export const unixSeconds = Type.String({ pattern: "^[0-9]{1,12}$" });

export const errorBody = Type.Object({ code: Type.String(), message: Type.String() });
export type ErrorBody = Static<typeof errorBody>;

export const receipt = Type.Object({ seq: Type.Integer(), recordHash: bytes32, gateway: address, time: Type.Integer() });
/** What the gateway hands back for every logged access: enough to fetch the record and its proof later. */
export type AccessReceipt = Static<typeof receipt>;

/** A refused access: the code and the receipt of the denied record. */
export const denial = Type.Object({
  code: Type.String(),
  message: Type.String(),
  receipt: Type.Optional(receipt),
  /** AGENCY_NOT_REGISTERED_FOR: the asked categories the agency did not register for the purpose (bits, and by name). */
  excessScopes: Type.Optional(Type.String({ pattern: "^[0-9]{1,78}$" })),
  excessCategories: Type.Optional(Type.Array(Type.String())),
});
export type Denial = Static<typeof denial>;

export const errors = { "4xx": errorBody, "5xx": errorBody } as const;

export const accessHeaders = Type.Object(
  {
    "x-imi-nonce": Type.Optional(bytes32With("session mode: 32 random bytes, never reused")),
    "x-imi-issued-at": Type.Optional(Type.String({ pattern: "^[0-9]{1,12}$", description: "session mode: unix seconds" })),
    "x-imi-request": Type.Optional(
      Type.String({ maxLength: 4096, description: "signed mode: base64url JSON of the AgencyRequest message (sdk/gateway/agencyRequest)" }),
    ),
    "x-imi-signature": Type.Optional(hex("^0x[0-9a-fA-F]{130}$", "signed mode: the agency's EIP-712 signature of that message")),
  },
  {},
);

export const security: Array<Record<string, string[]>> = [{ bearer: [] }, { signedRequest: [] }];
export const bearer: Array<Record<string, string[]>> = [{ bearer: [] }];

export const proofStatus = Type.Object(
  {
    status: stringEnum(["unbatched", "pending", "anchored"]),
    batch: Type.Optional(Type.Integer()),
    root: Type.Optional(bytes32),
    txHash: Type.Optional(bytes32),
    blockNumber: Type.Optional(Type.Integer()),
  },
  { description: "whether the record is in a batch anchored on chain yet (fetch the proof with GET /v1/receipts/{seq})" },
);

/** An access record as the citizen, auditor and receipt views show it (scopes as a decimal string). */
export const accessRecord = Type.Object({
  seq: Type.Integer(),
  time: Type.Integer(),
  gateway: address,
  agency: address,
  citizen: bytes32,
  kind: Type.String(),
  scopes: Type.String(),
  purpose: bytes32,
  grantId: bytes32,
  basis: Type.String(),
  decision: Type.String(),
  reason: Type.String(),
  requestHash: bytes32,
  responseHash: bytes32,
  recordHash: bytes32,
  legalBasis: Type.Optional(bytes32With("for statutory accesses: the legal-basis code of the grant")),
  proof: Type.Optional(proofStatus),
});
export type AccessRecordJson = Static<typeof accessRecord>;

/** Paging over the access log: records after `afterSeq`, at most `limit` (default 100, at most 1000). */
export const paging = {
  afterSeq: Type.Optional(Type.String({ pattern: "^[0-9]{1,15}$" })),
  limit: Type.Optional(Type.String({ pattern: "^[0-9]{1,4}$" })),
};

/** Paging of a consent list: at most `limit` (default 100, at most 1000) after `cursor`, the `next` of the page before. */
export const consentPaging = {
  limit: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,3}$" })),
  cursor: Type.Optional(Type.String({ pattern: "^[0-9]{1,15}-[0-9]{1,6}$", description: "the `next` of the page before" })),
};
/** Present when more consents follow: pass it as `cursor` for the next page. */
export const nextCursor = Type.Optional(Type.String({ description: "cursor of the next page; absent on the last page" }));

/**
 * One gateway route's whole schema as Fastify takes it (`{ schema: ... }`): OpenAPI words, request
 * parts and responses by status. `RouteSchema` keeps the literal types so the client can read them.
 */
export type RouteSchema = {
  tags?: readonly string[];
  summary?: string;
  description?: string;
  security?: Array<Record<string, string[]>>;
  headers?: TSchema;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  response: Record<string, TSchema>;
  hide?: boolean;
};
export const routeSchema = <S extends RouteSchema>(s: S): S => s;

/** The success body type of a route (its 200 or 201 response). */
export type ResponseOf<S extends RouteSchema> = S["response"] extends { 200: infer R extends TSchema }
  ? Static<R>
  : S["response"] extends { 201: infer R extends TSchema }
    ? Static<R>
    : never;
/** The request body type of a route. */
export type BodyOf<S extends RouteSchema> = S["body"] extends TSchema ? Static<S["body"]> : never;
export type QueryOf<S extends RouteSchema> = S["querystring"] extends TSchema ? Static<S["querystring"]> : never;
