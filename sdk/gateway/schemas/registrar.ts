// Registration at the service window (flow 1): vault record and on-chain identity in one step.
import Type, { type Static } from "typebox";
import { address, bearer, bytes32, errors, hexBytes, routeSchema } from "./common.js";

export const registerCitizenBodySchema = Type.Object(
  {
    citizen: bytes32,
    controller: address,
    level: Type.Integer({ minimum: 1, maximum: 3 }),
    salt: bytes32,
    record: Type.Unsafe<Record<string, Record<string, unknown>>>({ type: "object", maxProperties: 32, additionalProperties: { type: "object", maxProperties: 64 } }),
    signedTransaction: hexBytes,
  },
  { additionalProperties: false },
);
export type RegisterCitizenBody = Static<typeof registerCitizenBodySchema>;

export const registeredSchema = Type.Object({ citizen: bytes32, commitment: bytes32, txHash: bytes32, blockNumber: Type.Integer() });
export type Registered = Static<typeof registeredSchema>;

export const registerCitizenSchema = routeSchema({
  tags: ["registrar"],
  summary: "Register a citizen: vault record and on-chain identity together",
  security: bearer,
  body: registerCitizenBodySchema,
  response: { 201: registeredSchema, ...errors },
});

/** Rows a batch registration carries at most: IdentityRegistry.MAX_BATCH. */
export const REGISTER_BATCH_MAX = 500;

export const registerCitizensBodySchema = Type.Object(
  {
    rows: Type.Array(
      Type.Object(
        {
          citizen: bytes32,
          controller: address,
          level: Type.Integer({ minimum: 1, maximum: 3 }),
          salt: bytes32,
          record: registerCitizenBodySchema.properties.record,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: REGISTER_BATCH_MAX },
    ),
    /** The registrar's own signed IdentityRegistry.registerBatch over exactly these rows, in order. */
    signedTransaction: Type.Unsafe<`0x${string}`>(Type.String({ pattern: "^0x([0-9a-fA-F]{2})+$", maxLength: 2 + 2 * (1_024 + 160 * REGISTER_BATCH_MAX) })),
  },
  { additionalProperties: false },
);
export type RegisterCitizensBody = Static<typeof registerCitizensBodySchema>;

export const registeredBatchSchema = Type.Object({
  citizens: Type.Array(bytes32),
  txHash: bytes32,
  blockNumber: Type.Integer(),
  /** Milliseconds the gateway spent on this batch per stage: checks (index freshness, records, transaction), vault write, broadcast, waiting for the block, waiting for the index. */
  stagesMs: Type.Optional(Type.Object({ checks: Type.Number(), vault: Type.Number(), broadcast: Type.Number(), chain: Type.Number(), index: Type.Number() })),
});
export type RegisteredBatch = Static<typeof registeredBatchSchema>;

export const registerCitizensSchema = routeSchema({
  tags: ["registrar"],
  summary: "Register up to 500 citizens in one transaction: vault records and on-chain identities together, all or none",
  security: bearer,
  body: registerCitizensBodySchema,
  response: { 201: registeredBatchSchema, ...errors },
});

export const registrarBudgetSchema = routeSchema({
  tags: ["registrar"],
  summary: "How many registrations per minute this registrar may send (bulk imports pace themselves under it)",
  security: bearer,
  response: { 200: Type.Object({ registrationsPerMinute: Type.Integer() }), ...errors },
});

export const eraseRecordSchema = routeSchema({
  tags: ["registrar"],
  summary: "Erase a citizen's record from the vault (its data key is destroyed; the on-chain identity stays)",
  security: bearer,
  params: Type.Object({ citizen: bytes32 }, { additionalProperties: false }),
  response: { 200: Type.Object({ erased: Type.Boolean() }), ...errors },
});
