// Hot-path crypto for the gateway. The SDK defines every message the gateway checks (types,
// domains); this file only computes the same EIP-712 digests faster, for flat structs of atomic
// fields, with hash-wasm's keccak (WASM) instead of the pure-JS one, and recovers signers with
// libsecp256k1 (native) instead of pure JS. Measured on this machine the pure-JS path
// (TypedDataEncoder + noble recovery) capped the gateway near 2,000 requests/s; a test checks the
// digests equal the SDK's for random messages.
import secp256k1 from "secp256k1";
import { createKeccak, type IHasher } from "hash-wasm";
import { TypedDataEncoder } from "ethers";
import { hashDomain, type Hex, type LocalAccount, type TypedDataDomain, type TypedDataField } from "@imi-ledger/sdk";

let hasher: IHasher | undefined;

/** Loads the WASM keccak once (buildApp awaits it). */
export async function initFastCrypto(): Promise<void> {
  hasher ??= await createKeccak(256);
}

export function keccak(data: Uint8Array): Uint8Array {
  if (!hasher) throw new Error("initFastCrypto() not awaited");
  hasher.init();
  hasher.update(data);
  return hasher.digest("binary");
}

const utf8 = new TextEncoder();

export function keccakHex(data: Uint8Array | string): string {
  return toHex(keccak(typeof data === "string" ? utf8.encode(data) : data));
}

export function toHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;
}

function hexBytes(hex: string, length: number, field: string): Uint8Array {
  const clean = hex.startsWith("0x") ? hex.slice(2) : hex;
  // Buffer.from stops at the first non-hex pair, so any bad character shows up as a short result.
  const bytes = clean.length === length * 2 ? Buffer.from(clean, "hex") : undefined;
  if (!bytes || bytes.length !== length) throw new Error(`${field}: expected ${length} bytes`);
  return bytes;
}

// The encoders below write each field's word straight into the struct buffer: the digest runs on
// every agency request, and per-field temporary buffers were most of its cost.
type FieldWriter = (value: unknown, out: Buffer, offset: number) => void;

function writeHex(value: unknown, bytes: number, field: string, out: Buffer, offset: number): void {
  const hex = String(value);
  const clean = hex.startsWith("0x") ? hex.slice(2) : hex;
  out.fill(0, offset, offset + 32 - bytes);
  // Buffer#write stops at the first non-hex pair, so any bad character shows up as a short count.
  if (clean.length !== bytes * 2 || out.write(clean, offset + 32 - bytes, bytes, "hex") !== bytes) throw new Error(`${field}: expected ${bytes} bytes`);
}

function writeUint(value: unknown, bits: number, field: string, out: Buffer, offset: number): void {
  const n = typeof value === "bigint" ? value : BigInt(value as string | number);
  if (n < 0n || n >= 1n << BigInt(bits)) throw new Error(`${field}: out of range`);
  if (n < 0x100000000n) {
    out.fill(0, offset, offset + 28);
    out.writeUInt32BE(Number(n), offset + 28);
  } else {
    out.write(n.toString(16).padStart(64, "0"), offset, 32, "hex");
  }
}

/**
 * keccak of short strings seen again and again (the method, the route, the audience), bounded so
 * that a stream of distinct paths cannot grow it.
 */
const stringHashes = new Map<string, Uint8Array>();
function keccakString(value: string): Uint8Array {
  let hash = stringHashes.get(value);
  if (hash === undefined) {
    hash = keccak(utf8.encode(value));
    if (value.length <= 256) {
      if (stringHashes.size >= 1024) stringHashes.clear();
      stringHashes.set(value, hash);
    }
  }
  return hash;
}

export type FastStructHasher = (message: Record<string, unknown>) => Uint8Array;

/** A digest function for one flat EIP-712 struct (address, bool, bytes32, uintN, string fields). */
export function fastTypedDataHasher(domain: TypedDataDomain, types: Record<string, readonly TypedDataField[]>, primaryType: string): FastStructHasher {
  const structHash = fastStructHasher(types, primaryType);
  const separator = hexBytes(hashDomain(domain), 32, "domain");
  const envelope = new Uint8Array(66);
  envelope[0] = 0x19;
  envelope[1] = 0x01;
  envelope.set(separator, 2);
  return (message) => {
    envelope.set(structHash(message), 34);
    return keccak(envelope);
  };
}

// Domain separators by their domain's JSON: a gateway signs in a handful of domains.
const separators = new Map<string, Uint8Array>();

/** The EIP-712 digest of a struct hash in `domain`: keccak("\x19\x01" ‖ domainSeparator ‖ structHash). */
export function fastDigestOf(domain: TypedDataDomain, structHash: Uint8Array): Uint8Array {
  const key = JSON.stringify(domain);
  let separator = separators.get(key);
  if (!separator) {
    separator = hexBytes(hashDomain(domain), 32, "domain");
    if (separators.size < 64) separators.set(key, separator);
  }
  const envelope = new Uint8Array(66);
  envelope[0] = 0x19;
  envelope[1] = 0x01;
  envelope.set(separator, 2);
  envelope.set(structHash, 34);
  return keccak(envelope);
}

/** hashStruct for one flat EIP-712 struct: keccak(typeHash ‖ encoded fields), for nesting in another struct. */
export function fastStructHasher(types: Record<string, readonly TypedDataField[]>, primaryType: string): FastStructHasher {
  const fields = types[primaryType];
  const encodedType = TypedDataEncoder.from(Object.fromEntries(Object.entries(types).map(([k, v]) => [k, [...v]]))).encodeType(primaryType);
  const typeHashBytes = keccak(utf8.encode(encodedType));
  const writers = fields.map(({ name, type }): FieldWriter => {
    if (type === "address") return (v, out, at) => writeHex(v, 20, name, out, at);
    if (type === "bytes32") return (v, out, at) => writeHex(v, 32, name, out, at);
    if (type === "bool") return (v, out, at) => writeUint(v === true ? 1n : v === false ? 0n : BigInt(String(v)), 8, name, out, at);
    if (type === "string") return (v, out, at) => out.set(keccakString(String(v)), at);
    const m = /^uint(\d+)$/.exec(type);
    if (m) return (v, out, at) => writeUint(v, Number(m[1]), name, out, at);
    throw new Error(`fastTypedDataHasher: ${type} is not a flat atomic type`);
  });
  const buffer = Buffer.alloc(32 * (fields.length + 1));
  return (message) => {
    buffer.set(typeHashBytes, 0);
    for (let i = 0; i < fields.length; i++) writers[i](message[fields[i].name], buffer, 32 * (i + 1));
    return keccak(buffer);
  };
}

const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** The address that signed `digest` (65-byte r‖s‖v, low s, v 27/28 or 0/1), lower-case; undefined if invalid. */
export function recoverSigner(digest: Uint8Array, signature: string): string | undefined {
  let sig: Uint8Array;
  try {
    sig = hexBytes(signature, 65, "signature");
  } catch {
    return undefined;
  }
  const v = sig[64];
  const recid = v >= 27 ? v - 27 : v;
  if (recid !== 0 && recid !== 1) return undefined;
  // High-s signatures are malleable copies; the contracts and the SDK refuse them too.
  if (BigInt(toHex(sig.subarray(32, 64))) > HALF_N) return undefined;
  try {
    const pub = secp256k1.ecdsaRecover(sig.subarray(0, 64), recid, digest, false);
    return toHex(keccak(pub.subarray(1)).subarray(12));
  } catch {
    return undefined;
  }
}

/**
 * `account` with its digests signed by libsecp256k1 (native) instead of @noble/curves: the relay
 * signs a transaction per relayed action, and the pure-JS signature was about 1.4 ms of the node's
 * CPU per relayed grant (bench:district's profile). Both are RFC 6979 and low-s, so the signatures
 * are byte for byte the same (test/node/gateway/fastTypedData.test.ts).
 */
export function nativeSigner(account: LocalAccount): LocalAccount {
  const secret = hexBytes(account.exportPrivateKey(), 32, "privateKey");
  const signDigest = (digest: Hex): Hex => {
    const { signature, recid } = secp256k1.ecdsaSign(hexBytes(digest, 32, "digest"), secret);
    return `${toHex(signature)}${(27 + recid).toString(16)}` as Hex;
  };
  return Object.freeze({ ...account, signDigest });
}
