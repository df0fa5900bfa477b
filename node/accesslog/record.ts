// The access record: its fields, its canonical encoding (exactly Solidity's abi.encode of the
// field tuple, 14 words) and the hashes that receipts, batch roots and audits are built on.
//
//   recordHash = keccak256(abi.encode(seq, time, gateway, agency, citizen, kind, scopes, purpose,
//                                     grantId, basis, decision, reason, requestHash, responseHash))
//   leaf       = keccak256(recordHash)
//
// The leaf is exactly what OpenZeppelin's StandardMerkleTree computes for the value tuple with
// ACCESS_RECORD_LEAF_TYPES, and what a contract computes as
// keccak256(bytes.concat(keccak256(abi.encode(...)))), so a proof can be checked with the
// merkle-tree library, with MerkleProof.verify on chain, or with the SDK.
import { decodeBytes32String, encodeBytes32String, getAddress, hexlify, ZeroHash } from "ethers";
import { ACCESS_BASES, ACCESS_KINDS, ACCESS_RECORD_LEAF_TYPES, type AccessBasis, type AccessDecision, type AccessKind } from "@imi-ledger/sdk";
import { NodeError } from "../NodeError.js";
import { keccak256 } from "./internal/keccak.js";

// The record's kinds, bases, decisions and leaf types are the SDK's (sdk/receipts/accessRecord.ts):
// one definition for the gateway that writes records and the citizens and auditors who check them.
// The encoder below is the node's own because it is on every access's path (Buffer writes, not
// ethers' AbiCoder); test/node/accesslog/AccessLog.test.ts holds its bytes equal to abi.encode over
// ACCESS_RECORD_LEAF_TYPES, and test/sdk/accessLog.test.ts its hashes equal to the SDK's hashAccessRecord.
export { ACCESS_BASES, ACCESS_KINDS, ACCESS_RECORD_LEAF_TYPES, type AccessBasis, type AccessDecision, type AccessKind };

export const RECORD_BYTES = 14 * 32;

export type AccessRecordInput = {
  /** Unix time in milliseconds. */
  time: number;
  agency: string;
  citizen: string;
  kind: AccessKind;
  scopes: bigint;
  purpose: string;
  grantId: string;
  basis: AccessBasis;
  decision: AccessDecision;
  /** Stable code, at most 31 ASCII characters, e.g. "ALLOWED", "CONSENT_REVOKED". */
  reason: string;
  requestHash: string;
  responseHash: string;
};

export type AccessRecord = AccessRecordInput & { seq: number; gateway: string; recordHash: string };

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const REASON = /^[\x20-\x7e]{1,31}$/;

function fail(field: string, detail: string): never {
  throw new NodeError("ACCESSLOG_INVALID_RECORD", `access record field ${field}: ${detail}`, { details: { field } });
}

/** Checks a record before it is logged; bad input is refused before anything is written. */
export function validateRecordInput(input: AccessRecordInput): void {
  if (!Number.isSafeInteger(input.time) || input.time < 0) fail("time", "must be unix milliseconds");
  if (!ADDRESS.test(input.agency)) fail("agency", "must be a 0x address");
  for (const field of ["citizen", "purpose", "grantId", "requestHash", "responseHash"] as const) {
    if (!BYTES32.test(input[field])) fail(field, "must be 32 bytes as 0x hex");
  }
  if (!ACCESS_KINDS.includes(input.kind)) fail("kind", `must be one of ${ACCESS_KINDS.join(", ")}`);
  if (!ACCESS_BASES.includes(input.basis)) fail("basis", `must be one of ${ACCESS_BASES.join(", ")}`);
  if (input.decision !== "allowed" && input.decision !== "denied") fail("decision", "must be allowed or denied");
  if (typeof input.scopes !== "bigint" || input.scopes < 0n || input.scopes >= 2n ** 256n) fail("scopes", "must be a uint256");
  if (!REASON.test(input.reason)) fail("reason", "must be 1-31 printable ASCII characters");
}

// Encoding is on every access's path: Buffer's native hex and integer writers, not byte loops.
function putUint(out: Buffer, word: number, value: bigint | number): void {
  const end = word * 32 + 32;
  if (typeof value === "number") {
    // Safe integers only (checked by the callers): the high part stays below 2^21.
    out.writeUInt32BE(Math.floor(value / 2 ** 32), end - 8);
    out.writeUInt32BE(value >>> 0, end - 4);
  } else if (value < 2n ** 32n) {
    out.writeUInt32BE(Number(value), end - 4);
  } else {
    out.write(value.toString(16).padStart(64, "0"), word * 32, 32, "hex");
  }
}

function putHex(out: Buffer, word: number, hex: string, bytes: number): void {
  out.write(hex.slice(2), word * 32 + (32 - bytes), bytes, "hex");
}

function readUint(data: Uint8Array, word: number): bigint {
  let v = 0n;
  for (let i = word * 32; i < word * 32 + 32; i++) v = (v << 8n) | BigInt(data[i]);
  return v;
}

function readHex(data: Uint8Array, word: number, bytes: number): string {
  return hexlify(data.subarray(word * 32 + (32 - bytes), word * 32 + 32));
}

// Reasons are a small set of codes: encode each once.
const reasonWords = new Map<string, string>();
function reasonWord(reason: string): string {
  let word = reasonWords.get(reason);
  if (word === undefined) {
    word = encodeBytes32String(reason);
    if (reasonWords.size < 1000) reasonWords.set(reason, word);
  }
  return word;
}

/** abi.encode of the record tuple: the canonical bytes that are stored and hashed. */
export function encodeRecord(record: Omit<AccessRecord, "recordHash">): Uint8Array {
  const out = Buffer.alloc(RECORD_BYTES);
  if (!Number.isSafeInteger(record.seq) || record.seq < 0) fail("seq", "out of range");
  if (!Number.isSafeInteger(record.time) || record.time < 0) fail("time", "must be unix milliseconds");
  putUint(out, 0, record.seq);
  putUint(out, 1, record.time);
  putHex(out, 2, record.gateway, 20);
  putHex(out, 3, record.agency, 20);
  putHex(out, 4, record.citizen, 32);
  putUint(out, 5, ACCESS_KINDS.indexOf(record.kind));
  putUint(out, 6, record.scopes);
  putHex(out, 7, record.purpose, 32);
  putHex(out, 8, record.grantId, 32);
  putUint(out, 9, ACCESS_BASES.indexOf(record.basis));
  putUint(out, 10, record.decision === "allowed" ? 1 : 0);
  putHex(out, 11, reasonWord(record.reason), 32);
  putHex(out, 12, record.requestHash, 32);
  putHex(out, 13, record.responseHash, 32);
  return out;
}

/** The inverse of {@link encodeRecord}. */
export function decodeRecord(data: Uint8Array, recordHash: string): AccessRecord {
  if (data.length !== RECORD_BYTES) fail("encoding", `expected ${RECORD_BYTES} bytes, got ${data.length}`);
  const kind = ACCESS_KINDS[Number(readUint(data, 5))];
  const basis = ACCESS_BASES[Number(readUint(data, 9))];
  if (!kind || !basis) fail("encoding", "unknown kind or basis");
  return {
    seq: Number(readUint(data, 0)),
    time: Number(readUint(data, 1)),
    gateway: getAddress(readHex(data, 2, 20)),
    agency: getAddress(readHex(data, 3, 20)),
    citizen: readHex(data, 4, 32),
    kind,
    scopes: readUint(data, 6),
    purpose: readHex(data, 7, 32),
    grantId: readHex(data, 8, 32),
    basis,
    decision: readUint(data, 10) === 1n ? "allowed" : "denied",
    reason: decodeBytes32String(readHex(data, 11, 32)),
    requestHash: readHex(data, 12, 32),
    responseHash: readHex(data, 13, 32),
    recordHash,
  };
}

/** The leaf values for StandardMerkleTree, in ACCESS_RECORD_LEAF_TYPES order. */
export function leafValues(record: AccessRecord): string[] {
  return [
    String(record.seq),
    String(record.time),
    record.gateway,
    record.agency,
    record.citizen,
    String(ACCESS_KINDS.indexOf(record.kind)),
    record.scopes.toString(),
    record.purpose,
    record.grantId,
    String(ACCESS_BASES.indexOf(record.basis)),
    record.decision === "allowed" ? "1" : "0",
    encodeBytes32String(record.reason),
    record.requestHash,
    record.responseHash,
  ];
}

export function recordHashOf(encoded: Uint8Array): Uint8Array {
  return keccak256(encoded);
}

export function leafOf(recordHash: Uint8Array): Uint8Array {
  return keccak256(recordHash);
}

export const NO_HASH = ZeroHash;
