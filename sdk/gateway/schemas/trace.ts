// Traceability: a receipt's inclusion proof (anyone holding the receipt) and the live stream of
// accesses to a citizen's own data.
import Type, { type Static } from "typebox";
import { accessRecord, bearer, bytes32, errors, routeSchema, stringEnum } from "./common.js";

export const accessBatchSchema = Type.Object({
  index: Type.Integer(),
  firstSeq: Type.Integer(),
  lastSeq: Type.Integer(),
  count: Type.Integer(),
  root: bytes32,
  previousRoot: bytes32,
  status: stringEnum(["pending", "anchored"]),
  txHash: Type.Optional(bytes32),
  blockNumber: Type.Optional(Type.Integer()),
});

export const receiptProofSchema = Type.Object({ record: accessRecord, leaf: bytes32, proof: Type.Array(bytes32), batch: accessBatchSchema });
/** A record with its Merkle proof to its batch root (status says whether that root is anchored yet). */
export type ReceiptProof = Static<typeof receiptProofSchema>;
export const receiptPendingSchema = Type.Object({ status: Type.String(), record: accessRecord });
export type ReceiptPending = Static<typeof receiptPendingSchema>;

export const receiptSchema = routeSchema({
  tags: ["receipts"],
  summary: "The access record behind a receipt and, once its batch is cut, its Merkle inclusion proof",
  description:
    "Anyone holding a receipt (sequence number and record hash) may ask. The proof leads from the record's leaf " +
    "(StandardMerkleTree over the record fields) to the batch root; `batch.status` says whether that root is anchored in " +
    "AccessLog yet. 202 while the record waits for its batch.",
  params: Type.Object({ seq: Type.String({ pattern: "^[1-9][0-9]{0,15}$" }) }, { additionalProperties: false }),
  querystring: Type.Object({ recordHash: bytes32 }, { additionalProperties: false }),
  response: { 200: receiptProofSchema, 202: receiptPendingSchema, ...errors },
});

export const accessStreamSchema = routeSchema({
  tags: ["citizen"],
  summary: "Live accesses to the citizen's data (server-sent events, one `access` event per record)",
  description:
    "text/event-stream. Each event's data is the access record as JSON, sent the moment the record is durable. " +
    "A comment line is sent every 15 s to keep proxies from closing the stream.",
  security: bearer,
  response: { 200: Type.String(), ...errors },
});
