// The access-log record as the gateway's log (node/accesslog) writes it, and the proofs a citizen
// or auditor checks. Pure and browser-safe (ethers' keccak, OpenZeppelin's merkle-tree layout).
//
//   recordHash = keccak256(abi.encode(seq, time, gateway, agency, citizen, kind, scopes, purpose,
//                                     grantId, basis, decision, reason, requestHash, responseHash))
//   leaf       = keccak256(recordHash)     (OpenZeppelin StandardMerkleTree's leaf for that tuple)
//   batch root = OpenZeppelin SimpleMerkleTree over the leaves in sequence order (unsorted),
//                commutative keccak node hash, as MerkleProof.verify checks it.
import { AbiCoder, encodeBytes32String, keccak256 } from "ethers";
import { InvalidInputError } from "../errors/errors.js";
import { toAddress, toBytes32, toUint } from "../internal/validate.js";
import type { Address, Hex, Numberish } from "../types.js";
import { merkleTree, verifyMerkleProof } from "../internal/merkle.js";

// "service": a life-event service delivered or declined (node/services); appended last so earlier records keep their encoding.
// "approval": a step of a service application (received, a node approved or returned, an inspection,
// completed) recorded by a department officer (node/approvals); appended after "service" for the same reason.
// "community": a neighbour viewed facts a resident shares with her (node/gateway/routes/community.ts); appended last.
export const ACCESS_KINDS = ["data", "predicate", "identity", "credential", "service", "approval", "community"] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];
export const ACCESS_BASES = ["none", "consent", "statutory"] as const;
export type AccessBasis = (typeof ACCESS_BASES)[number];
export type AccessDecision = "allowed" | "denied";

/** Solidity types of the record tuple, in order. */
export const ACCESS_RECORD_LEAF_TYPES = [
  "uint64", // seq
  "uint64", // time (unix ms)
  "address", // gateway
  "address", // agency
  "bytes32", // citizen
  "uint8", // kind: 0 data, 1 predicate, 2 identity, 3 credential, 4 service, 5 approval, 6 community
  "uint256", // scopes
  "bytes32", // purpose
  "bytes32", // grantId
  "uint8", // basis: 0 none, 1 consent, 2 statutory
  "uint8", // decision: 0 denied, 1 allowed
  "bytes32", // reason, as a bytes32 string
  "bytes32", // requestHash
  "bytes32", // responseHash
] as const;

/** One access, allowed or denied, as logged. No personal data: ids, codes and hashes. */
export type AccessRecord = {
  /** Per-gateway sequence number, from 1, no gaps. */
  seq: Numberish;
  /** Unix time in milliseconds. */
  time: Numberish;
  gateway: Address;
  agency: Address;
  citizen: Hex;
  kind: AccessKind;
  scopes: Numberish;
  purpose: Hex;
  /** Consent or statutory grant id (zero when none applied). */
  grantId: Hex;
  basis: AccessBasis;
  decision: AccessDecision;
  /** Stable code, at most 31 ASCII characters, e.g. "ALLOWED", "CONSENT_REVOKED". */
  reason: string;
  /** `hashTypedData` of the agency's signed request. */
  requestHash: Hex;
  responseHash: Hex;
  /** When present (as the gateway returns it), checked against the fields. */
  recordHash?: Hex;
};

function enumIndex<T extends readonly string[]>(field: string, values: T, value: unknown): number {
  const i = values.indexOf(value as string);
  if (i < 0) throw new InvalidInputError("INVALID_RECORD", field, `${field} must be one of ${values.join(", ")}.`);
  return i;
}

function reasonWord(reason: unknown): string {
  if (typeof reason !== "string" || !/^[\x20-\x7e]{1,31}$/.test(reason))
    throw new InvalidInputError("INVALID_RECORD", "reason", "reason must be 1-31 printable ASCII characters.");
  return encodeBytes32String(reason);
}

/** The record's tuple in ACCESS_RECORD_LEAF_TYPES order (validated). */
export function accessRecordValues(r: AccessRecord): unknown[] {
  if (r.decision !== "allowed" && r.decision !== "denied")
    throw new InvalidInputError("INVALID_RECORD", "decision", "decision must be allowed or denied.");
  return [
    toUint("seq", r.seq, 64),
    toUint("time", r.time, 64),
    toAddress("gateway", r.gateway),
    toAddress("agency", r.agency),
    toBytes32("citizen", r.citizen),
    enumIndex("kind", ACCESS_KINDS, r.kind),
    toUint("scopes", r.scopes, 256),
    toBytes32("purpose", r.purpose),
    toBytes32("grantId", r.grantId),
    enumIndex("basis", ACCESS_BASES, r.basis),
    r.decision === "allowed" ? 1 : 0,
    reasonWord(r.reason),
    toBytes32("requestHash", r.requestHash),
    toBytes32("responseHash", r.responseHash),
  ];
}

/** keccak256 of the record's abi encoding. */
export function hashAccessRecord(r: AccessRecord): Hex {
  return keccak256(AbiCoder.defaultAbiCoder().encode([...ACCESS_RECORD_LEAF_TYPES], accessRecordValues(r))) as Hex;
}

/** The record's Merkle leaf: keccak256(recordHash). */
export function accessRecordLeaf(r: AccessRecord): Hex {
  return keccak256(hashAccessRecord(r)) as Hex;
}

/**
 * A record's place in an anchored batch: what the gateway hands a citizen and an auditor checks.
 * The shape of node/accesslog's InclusionProof (extra batch fields are ignored).
 */
export type AccessLogProof = {
  record: AccessRecord;
  /** Optional: checked against the record when given. */
  leaf?: Hex;
  batch: { root: Hex; index?: number | bigint };
  proof: readonly Hex[];
};

export type AccessLogBatch = {
  root: Hex;
  count: bigint;
  firstSeq: bigint;
  lastSeq: bigint;
  /** One per record, in sequence order. */
  proofs: AccessLogProof[];
};

/**
 * Builds one batch from one gateway's consecutive records, as the gateway's log does before
 * anchoring, with a proof per record. Throws INVALID_BATCH unless in order and gap-free.
 */
export function buildAccessLogBatch(records: readonly AccessRecord[]): AccessLogBatch {
  if (records.length === 0) throw new InvalidInputError("INVALID_BATCH", "records", "A batch needs at least one record.");
  const firstSeq = toUint("records[0].seq", records[0].seq, 64);
  const gateway = toAddress("records[0].gateway", records[0].gateway);
  const leaves = records.map((r, i) => {
    if (toUint(`records[${i}].seq`, r.seq, 64) !== firstSeq + BigInt(i))
      throw new InvalidInputError("INVALID_BATCH", `records[${i}].seq`, "Records must have consecutive sequence numbers.");
    if (toAddress(`records[${i}].gateway`, r.gateway) !== gateway)
      throw new InvalidInputError("INVALID_BATCH", `records[${i}].gateway`, "A batch holds one gateway's records.");
    return accessRecordLeaf(r);
  });
  const tree = merkleTree(leaves, { sortLeaves: false });
  const root = tree.root;
  return {
    root,
    count: BigInt(records.length),
    firstSeq,
    lastSeq: firstSeq + BigInt(records.length - 1),
    proofs: records.map((record, i) => ({ record, leaf: leaves[i], batch: { root }, proof: tree.proof(i) })),
  };
}

/** Whether the proof leads from the record (and its recordHash, when given) to the batch root. Offline. */
export function verifyAccessLogInclusion(p: AccessLogProof): boolean {
  try {
    if (p.record.recordHash !== undefined && p.record.recordHash.toLowerCase() !== hashAccessRecord(p.record)) return false;
    const leaf = accessRecordLeaf(p.record);
    if (p.leaf !== undefined && p.leaf.toLowerCase() !== leaf) return false;
    return verifyMerkleProof(toBytes32("batch.root", p.batch.root), leaf, p.proof.map((h, i) => toBytes32(`proof[${i}]`, h)));
  } catch {
    return false;
  }
}
