// The access-log record format shared by the gateway (which writes and anchors it) and by
// citizens and auditors (who verify it). Pure.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { InvalidInputError } from "../errors/errors.js";
import { toAddress, toBytes32, toUint } from "../internal/validate.js";
import type { Address, Hex, Numberish } from "../types.js";

/** One access (allowed or denied) as the gateway logs it. No personal data: ids, codes and hashes. */
export type AccessRecord = {
  /** Per-gateway sequence number, from 1, no gaps. */
  seq: Numberish;
  gateway: Address;
  agency: Address;
  citizen: Hex;
  scopes: Numberish;
  purpose: Hex;
  /** Consent or statutory grant id (zero when none applied). */
  grantId: Hex;
  /** `IConsentRegistry.Decision` (0 = allowed), see ACCESS_DECISIONS. */
  decision: Numberish;
  /** `hashTypedData` of the agency's signed request. */
  requestHash: Hex;
  /** Unix seconds. */
  timestamp: Numberish;
};

/** Solidity types of a record's leaf, in order (OpenZeppelin StandardMerkleTree leaf encoding). */
export const ACCESS_RECORD_LEAF_TYPES = [
  "uint64",
  "address",
  "address",
  "bytes32",
  "uint256",
  "bytes32",
  "bytes32",
  "uint8",
  "bytes32",
  "uint64",
] as const;

type LeafValue = [string, string, string, string, string, string, string, string, string, string];

export function accessRecordLeafValue(r: AccessRecord): LeafValue {
  return [
    toUint("seq", r.seq, 64).toString(),
    toAddress("gateway", r.gateway),
    toAddress("agency", r.agency),
    toBytes32("citizen", r.citizen),
    toUint("scopes", r.scopes, 256).toString(),
    toBytes32("purpose", r.purpose),
    toBytes32("grantId", r.grantId),
    toUint("decision", r.decision, 8).toString(),
    toBytes32("requestHash", r.requestHash),
    toUint("timestamp", r.timestamp, 64).toString(),
  ];
}

/** The Merkle leaf of a record: keccak256(bytes.concat(keccak256(abi.encode(...fields)))). */
export function hashAccessRecord(r: AccessRecord): Hex {
  return StandardMerkleTree.of([accessRecordLeafValue(r)], [...ACCESS_RECORD_LEAF_TYPES]).leafHash(accessRecordLeafValue(r)) as Hex;
}

/** What a citizen or auditor keeps for one access: the record and its path to the anchored root. */
export type AccessReceipt = { record: AccessRecord; root: Hex; proof: Hex[] };

export type AccessLogBatch = {
  root: Hex;
  count: bigint;
  firstSeq: bigint;
  lastSeq: bigint;
  receipts: AccessReceipt[];
};

/**
 * Builds one batch from consecutive records (as the gateway does before `anchorLogBatch`), with a
 * receipt per record. Throws INVALID_BATCH unless the records are one gateway's, in order, gap-free.
 */
export function buildAccessLogBatch(records: readonly AccessRecord[]): AccessLogBatch {
  if (records.length === 0) throw new InvalidInputError("INVALID_BATCH", "records", "A batch needs at least one record.");
  const values = records.map(accessRecordLeafValue);
  const firstSeq = BigInt(values[0][0]);
  values.forEach((v, i) => {
    if (BigInt(v[0]) !== firstSeq + BigInt(i))
      throw new InvalidInputError("INVALID_BATCH", `records[${i}].seq`, "Records must have consecutive sequence numbers.");
    if (v[1] !== values[0][1]) throw new InvalidInputError("INVALID_BATCH", `records[${i}].gateway`, "A batch holds one gateway's records.");
  });
  const tree = StandardMerkleTree.of(values, [...ACCESS_RECORD_LEAF_TYPES]);
  const receipts: AccessReceipt[] = [];
  for (const [i] of tree.entries()) {
    const seq = BigInt(tree.at(i)![0]);
    receipts[Number(seq - firstSeq)] = { record: records[Number(seq - firstSeq)], root: tree.root as Hex, proof: tree.getProof(i) as Hex[] };
  }
  return { root: tree.root as Hex, count: BigInt(records.length), firstSeq, lastSeq: firstSeq + BigInt(records.length - 1), receipts };
}

/** Whether the receipt's proof leads from its record to its root. Offline; says nothing about the chain. */
export function verifyAccessReceiptProof(receipt: AccessReceipt): boolean {
  try {
    return StandardMerkleTree.verify(receipt.root, [...ACCESS_RECORD_LEAF_TYPES], accessRecordLeafValue(receipt.record), receipt.proof);
  } catch {
    return false;
  }
}
