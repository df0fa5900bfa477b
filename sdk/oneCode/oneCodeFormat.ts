// The one code's wire format, version 1: binary, then base64url (QR byte mode). Big-endian.
//
//   offset  bytes  field
//   0       1      version (1)
//   1       1      flags: bit 0 verifier present, bit 1 claim present, bit 2 enterprise present;
//                  other bits must be 0
//   2       32     citizen id
//   34      20     controller
//   54      1      level                       ┐
//   55      8      staple block number         │ the gateway's staple (OneCodeStatus)
//   63      4      staple issuedAt (unix s)    │
//   67      4      staple expiresAt (unix s)   │
//   71      65     gateway signature           ┘
//   136     4      code issuedAt (unix s)      ┐
//   140     16     nonce or verifier challenge │ the controller's part (OneCode)
//   [156    20     verifier]                   │
//   [..     32+32+1+n+1+m  claim: schema, credential, name (len, UTF-8), value (len, UTF-8)]
//   [..     32+2   enterprise: id, scopes]      │ an enterprise's code (一企一码), stapled as
//                                               │ OneCodeEnterpriseStatus; the citizen is its representative
//   ..      2      signature length            │
//   ..      n      controller signature        ┘ (65 for a key; longer for an ERC-1271 account)
//
// An enterprise's code is 34 bytes longer: 343 characters with a plain key, a version-14 QR at M
// (test/sdk/oneCode.test.ts). A decoder that predates bit 2 refuses
// it as malformed rather than reading it as the representative's own code.
//
// With a plain key and no verifier or claim the code is 223 bytes, 298 characters: a version-13 QR
// at error correction M (69 modules; test/sdk/oneCode.test.ts measures it). Base45 with QR
// alphanumeric mode would save two versions but needs a dependency the SDK does not carry yet.
import { AbiCoder, decodeBase64, encodeBase64, getAddress, keccak256 } from "ethers";
import type { Address, Hex } from "../types.js";
import { ONE_CODE_MAX_STAPLE_TTL_SECONDS, ONE_CODE_VERSION, type OneCodeMessage, type OneCodeStatus } from "./oneCodeTypedData.js";
import { OneCodeError } from "./OneCodeError.js";
import { ENTERPRISE_SCOPES } from "../enterprise/unifiedSocialCreditCode.js";

/** One disclosed credential claim the gateway vouched for when it stapled (e.g. the senior card). */
export type OneCodeClaim = { schema: Hex; credential: Hex; name: string; value: string };

/** Everything a code carries. */
export type OneCode = {
  version: number;
  status: OneCodeStatus;
  gatewaySignature: Hex;
  code: Omit<OneCodeMessage, "status" | "citizen" | "controller">;
  claim?: OneCodeClaim;
  signature: Hex;
};

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const ZERO32 = `0x${"0".repeat(64)}` as Hex;
/** The longest code text a decoder reads (a version-25 QR holds about this much in byte mode). */
export const ONE_CODE_MAX_CHARS = 1400;
const MAX_SIGNATURE_BYTES = 900;
const MAX_CLAIM_NAME = 32;
const MAX_CLAIM_VALUE = 64;
const FLAG_VERIFIER = 1;
const FLAG_CLAIM = 2;
const FLAG_ENTERPRISE = 4;

function checkEnterprise(status: OneCodeStatus): void {
  if (status.enterprise === undefined) return;
  const { scopes } = status;
  if (!Number.isInteger(scopes) || scopes! < 0 || scopes! > 0xffff) malformed("enterprise scopes must fit uint16");
  if ((BigInt(scopes!) & ENTERPRISE_SCOPES.identity) === 0n) malformed("an enterprise's code carries the identity scope");
  if (/^0x0{64}$/.test(status.enterprise)) malformed("enterprise id is zero");
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

/** keccak256(abi.encode(schema, credential, name, value)): what the staple's claimHash commits to. */
export function oneCodeClaimHash(claim: OneCodeClaim | undefined): Hex {
  if (!claim) return ZERO32;
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32", "string", "string"], [claim.schema, claim.credential, claim.name, claim.value])) as Hex;
}

function malformed(why: string): never {
  throw new OneCodeError("ONE_CODE_MALFORMED", `The code is malformed: ${why}.`);
}

function hexOf(bytes: Uint8Array): Hex {
  let s = "0x";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s as Hex;
}

function bytesOf(hex: string, length: number | undefined, field: string): Uint8Array {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(hex) || (length !== undefined && hex.length !== 2 + 2 * length)) malformed(`${field} must be ${length ?? "whole"} bytes of hex`);
  const out = new Uint8Array((hex.length - 2) / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

function checkClaimText(field: string, text: string, max: number): Uint8Array {
  const bytes = utf8.encode(text);
  if (bytes.length === 0 || bytes.length > max) malformed(`claim ${field} must be 1 to ${max} bytes of UTF-8`);
  return bytes;
}

function checkStatusTimes(status: OneCodeStatus): void {
  const { issuedAt, expiresAt } = status;
  if (!Number.isSafeInteger(issuedAt) || issuedAt <= 0 || issuedAt > 0xffffffff) malformed("staple issuedAt must be unix seconds");
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= issuedAt || expiresAt - issuedAt > ONE_CODE_MAX_STAPLE_TTL_SECONDS) malformed(`staple must last 1 to ${ONE_CODE_MAX_STAPLE_TTL_SECONDS} seconds`);
}

/** The code as text for the QR. Checks every field; throws ONE_CODE_MALFORMED. */
export function encodeOneCode(code: OneCode): string {
  if (code.version !== ONE_CODE_VERSION) throw new OneCodeError("ONE_CODE_VERSION", `Only version ${ONE_CODE_VERSION} codes can be written.`);
  const { status, claim } = code;
  checkStatusTimes(status);
  if (!Number.isInteger(status.level) || status.level < 0 || status.level > 255) malformed("level must fit a byte");
  if (status.blockNumber < 0n || status.blockNumber >= 1n << 64n) malformed("block number must fit uint64");
  if (!Number.isSafeInteger(code.code.issuedAt) || code.code.issuedAt <= 0 || code.code.issuedAt > 0xffffffff) malformed("code issuedAt must be unix seconds");
  if (status.claimHash.toLowerCase() !== oneCodeClaimHash(claim)) malformed("the claim does not match the staple's claim hash");
  const sig = bytesOf(code.signature, undefined, "signature");
  if (sig.length < 65 || sig.length > MAX_SIGNATURE_BYTES) malformed(`signature must be 65 to ${MAX_SIGNATURE_BYTES} bytes`);
  const hasVerifier = code.code.verifier.toLowerCase() !== ZERO_ADDRESS;
  checkEnterprise(status);
  const isEnterprise = status.enterprise !== undefined;
  const parts: Uint8Array[] = [
    Uint8Array.of(ONE_CODE_VERSION, (hasVerifier ? FLAG_VERIFIER : 0) | (claim ? FLAG_CLAIM : 0) | (isEnterprise ? FLAG_ENTERPRISE : 0)),
    bytesOf(status.citizen, 32, "citizen"),
    bytesOf(status.controller, 20, "controller"),
    Uint8Array.of(status.level),
  ];
  const times = new Uint8Array(16);
  const view = new DataView(times.buffer);
  view.setBigUint64(0, status.blockNumber);
  view.setUint32(8, status.issuedAt);
  view.setUint32(12, status.expiresAt);
  parts.push(times, bytesOf(code.gatewaySignature, 65, "gateway signature"));
  const issued = new Uint8Array(4);
  new DataView(issued.buffer).setUint32(0, code.code.issuedAt);
  parts.push(issued, bytesOf(code.code.nonce, 16, "nonce"));
  if (hasVerifier) parts.push(bytesOf(code.code.verifier, 20, "verifier"));
  if (claim) {
    const name = checkClaimText("name", claim.name, MAX_CLAIM_NAME);
    const value = checkClaimText("value", claim.value, MAX_CLAIM_VALUE);
    parts.push(bytesOf(claim.schema, 32, "claim schema"), bytesOf(claim.credential, 32, "claim credential"), Uint8Array.of(name.length), name, Uint8Array.of(value.length), value);
  }
  if (isEnterprise) parts.push(bytesOf(status.enterprise!, 32, "enterprise"), Uint8Array.of(status.scopes! >> 8, status.scopes! & 0xff));
  parts.push(Uint8Array.of(sig.length >> 8, sig.length & 0xff), sig);
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return encodeBase64(all).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Reads a code's text. Strict: base64url without padding, exactly one encoding per code (the text
 * must re-encode to itself), a known version, no unknown flags, no trailing bytes, the claim (if
 * any) matching the staple's claim hash. Throws ONE_CODE_MALFORMED, ONE_CODE_VERSION or
 * ONE_CODE_TOO_LARGE. Checks no signature: see verifyOneCode.
 */
export function decodeOneCode(text: string): OneCode {
  if (typeof text !== "string") malformed("not text");
  if (text.length > ONE_CODE_MAX_CHARS) throw new OneCodeError("ONE_CODE_TOO_LARGE", `A code is at most ${ONE_CODE_MAX_CHARS} characters.`);
  if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) malformed("not base64url");
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  } catch {
    malformed("not base64url");
  }
  if (bytes.length < 1) malformed("empty");
  if (bytes[0] !== ONE_CODE_VERSION) throw new OneCodeError("ONE_CODE_VERSION", `Code version ${bytes[0]} is not known; this verifier reads version ${ONE_CODE_VERSION}.`);
  let at = 0;
  const take = (n: number): Uint8Array => {
    if (at + n > bytes.length) malformed("too short");
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  take(1);
  const flags = take(1)[0];
  if (flags & ~(FLAG_VERIFIER | FLAG_CLAIM | FLAG_ENTERPRISE)) malformed("unknown flags");
  const citizen = hexOf(take(32));
  const controller = getAddress(hexOf(take(20))) as Address;
  const level = take(1)[0];
  const t = take(16);
  const view = new DataView(t.buffer, t.byteOffset, 16);
  const blockNumber = view.getBigUint64(0);
  const stapleIssuedAt = view.getUint32(8);
  const expiresAt = view.getUint32(12);
  const gatewaySignature = hexOf(take(65));
  const issuedAt = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0);
  take(4);
  const nonce = hexOf(take(16));
  const verifier = (flags & FLAG_VERIFIER ? getAddress(hexOf(take(20))) : ZERO_ADDRESS) as Address;
  if (flags & FLAG_VERIFIER && verifier === ZERO_ADDRESS) malformed("a verifier flag with the zero address");
  let claim: OneCodeClaim | undefined;
  if (flags & FLAG_CLAIM) {
    const schema = hexOf(take(32));
    const credential = hexOf(take(32));
    let name: string;
    let value: string;
    try {
      name = fromUtf8.decode(take(take(1)[0]));
      value = fromUtf8.decode(take(take(1)[0]));
    } catch (e) {
      if (e instanceof OneCodeError) throw e;
      malformed("claim text is not UTF-8");
    }
    claim = { schema, credential, name, value };
  }
  let enterprise: { enterprise: Hex; scopes: number } | undefined;
  if (flags & FLAG_ENTERPRISE) {
    const id = hexOf(take(32));
    const s = take(2);
    enterprise = { enterprise: id, scopes: (s[0] << 8) | s[1] };
  }
  const len = take(2);
  const signature = hexOf(take((len[0] << 8) | len[1]));
  if (at !== bytes.length) malformed("trailing bytes");
  if (/^0x0{64}$/.test(citizen)) malformed("citizen id is zero");
  if (controller === ZERO_ADDRESS) malformed("controller is zero");
  if (/^0x0{32}$/.test(nonce)) malformed("nonce is zero");
  const code: OneCode = {
    version: ONE_CODE_VERSION,
    status: { citizen, controller, level, blockNumber, issuedAt: stapleIssuedAt, expiresAt, claimHash: oneCodeClaimHash(claim), ...enterprise },
    gatewaySignature,
    code: { verifier, issuedAt, nonce },
    ...(claim ? { claim } : {}),
    signature,
  };
  // One text per code: a second spelling of the same bytes (base64 slack bits) is refused, so a
  // verifier can key replays on the text as well as on the nonce.
  if (encodeOneCode(code) !== text) malformed("not the canonical encoding");
  return code;
}
