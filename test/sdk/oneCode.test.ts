// One code per person: the wire format (strict, versioned, compact enough for a phone's camera), the
// gateway's staple and the controller's signature, checked offline and, for account controllers,
// through ERC-1271 on a real chain.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { encode as qrEncode } from "uqr";
import {
  ONE_CODE_MAX_CHARS,
  OneCodeError,
  createBaseClient,
  createOneCode,
  decodeOneCode,
  encodeOneCode,
  generatePrivateKey,
  isValidSignatureNow,
  oneCodeClaimHash,
  privateKeyToAccount,
  randomBytes32,
  signOneCodeStaple,
  verifyOneCode,
  type Address,
  type Hex,
  type OneCodeClaim,
  type OneCodeSigner,
} from "@imi-ledger/sdk";
import { sdkFixture, type SdkFixture } from "./fixture.js";

const CHAIN = 31337;
const NOW = 1_800_000_000;
const gateway = privateKeyToAccount(generatePrivateKey());
const controller = privateKeyToAccount(generatePrivateKey());
const door = privateKeyToAccount(generatePrivateKey()).address;
const otherDoor = privateKeyToAccount(generatePrivateKey()).address;
const citizen = randomBytes32();

async function staple(p: { claim?: OneCodeClaim; controller?: Address; issuedAt?: number } = {}) {
  return signOneCodeStaple(gateway, { chainId: CHAIN, citizen, controller: p.controller ?? controller.address, level: 3, blockNumber: 1234, issuedAt: p.issuedAt ?? NOW, claim: p.claim });
}
async function code(p: { verifier?: Address; issuedAt?: number; claim?: OneCodeClaim; signer?: OneCodeSigner } = {}) {
  const s = await staple({ claim: p.claim, controller: p.signer?.address });
  return createOneCode(p.signer ?? controller, { chainId: CHAIN, staple: s, verifier: p.verifier, issuedAt: p.issuedAt ?? NOW + 5 });
}
const check = (text: string, extra: Partial<Parameters<typeof verifyOneCode>[0]> = {}) =>
  verifyOneCode({ code: text, chainId: CHAIN, gateways: [gateway.address], verifier: door, now: NOW + 10, ...extra });

function thrown(fn: () => unknown): OneCodeError {
  try {
    fn();
  } catch (e) {
    return e as OneCodeError;
  }
  throw new Error("expected a throw");
}

describe("one code: format", () => {
  test("round-trips, is 298 characters with a plain key, and fits a version-13 QR at error correction M", async () => {
    const text = await code();
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(text.length).toBe(298);
    const decoded = decodeOneCode(text);
    expect(decoded.status.citizen).toBe(citizen);
    expect(decoded.status.level).toBe(3);
    expect(decoded.status.blockNumber).toBe(1234n);
    expect(encodeOneCode(decoded)).toBe(text);
    const qr = qrEncode(text, { ecc: "M" });
    expect(qr.version).toBe(13);
    // For the record in docs/identity.md: the sizes with a verifier and with a claim.
    const forDoor = await code({ verifier: door });
    const withClaim = await code({ claim: { schema: randomBytes32(), credential: randomBytes32(), name: "senior", value: "true" } });
    console.log(`one code: ${text.length} chars, QR v${qr.version} (${qr.size} modules); for one verifier ${forDoor.length} chars v${qrEncode(forDoor, { ecc: "M" }).version}; with a claim ${withClaim.length} chars v${qrEncode(withClaim, { ecc: "M" }).version}`);
  });

  test("a code with a verifier and a disclosed claim carries both", async () => {
    const claim = { schema: randomBytes32(), credential: randomBytes32(), name: "senior", value: "老年人优待证 true" };
    const decoded = decodeOneCode(await code({ verifier: door, claim }));
    expect(decoded.code.verifier).toBe(door);
    expect(decoded.claim).toEqual(claim);
    expect(decoded.status.claimHash).toBe(oneCodeClaimHash(claim));
  });

  test("bad text is refused with coded errors: malformed, other version, too large, trailing bytes, non-canonical", async () => {
    const text = await code();
    expect(thrown(() => decodeOneCode("")).code).toBe("ONE_CODE_MALFORMED");
    expect(thrown(() => decodeOneCode("not a code!")).code).toBe("ONE_CODE_MALFORMED");
    expect(thrown(() => decodeOneCode(text.slice(0, 200))).code).toBe("ONE_CODE_MALFORMED");
    expect(thrown(() => decodeOneCode("A".repeat(ONE_CODE_MAX_CHARS + 1))).code).toBe("ONE_CODE_TOO_LARGE");
    const bytes = Buffer.from(text, "base64url");
    bytes[0] = 2;
    expect(thrown(() => decodeOneCode(bytes.toString("base64url"))).code).toBe("ONE_CODE_VERSION");
    expect(thrown(() => decodeOneCode(Buffer.concat([Buffer.from(text, "base64url"), Buffer.of(0)]).toString("base64url"))).code).toBe("ONE_CODE_MALFORMED");
    const flags = Buffer.from(text, "base64url");
    flags[1] = 0x80;
    expect(thrown(() => decodeOneCode(flags.toString("base64url"))).code).toBe("ONE_CODE_MALFORMED");
    // 223 bytes in 298 characters leave 4 spare bits in the last character, always zero when written,
    // so a text whose last character differs only in them is a second spelling, refused.
    const alt = text.slice(0, -1) + String.fromCharCode(text.charCodeAt(text.length - 1) + 1);
    expect(thrown(() => decodeOneCode(alt)).code).toBe("ONE_CODE_MALFORMED");
  });
});

describe("one code: an enterprise's (一企一码)", () => {
  const enterprise = randomBytes32();
  const enterpriseStaple = (scopes = 2) =>
    signOneCodeStaple(gateway, { chainId: CHAIN, citizen, controller: controller.address, level: 3, blockNumber: 1234, issuedAt: NOW, enterprise, scopes });

  test("carries the enterprise and the scopes (identity always set) in 34 more bytes (343 characters), signed as the enterprise's staple", async () => {
    const s = await enterpriseStaple();
    expect(s.status).toMatchObject({ enterprise, scopes: 2 | 8 });
    const text = await createOneCode(controller, { chainId: CHAIN, staple: s, issuedAt: NOW + 5 });
    expect(text.length).toBe(343);
    const decoded = decodeOneCode(text);
    expect(decoded.status).toMatchObject({ citizen, enterprise, scopes: 10 });
    expect(encodeOneCode(decoded)).toBe(text);
    const verdict = await check(text);
    expect(verdict).toMatchObject({ valid: true, citizen, enterprise, scopes: 10 });
    console.log(`enterprise one code: ${text.length} chars, QR v${qrEncode(text, { ecc: "M" }).version}`);
  });

  test("a citizen's staple cannot be passed off as an enterprise's, nor the reverse, nor its scopes raised", async () => {
    const citizenCode = decodeOneCode(await code());
    const dressed = { ...citizenCode, status: { ...citizenCode.status, enterprise, scopes: 8 } };
    expect(await check(encodeOneCode(dressed))).toMatchObject({ valid: false, reason: "ONE_CODE_UNTRUSTED_GATEWAY" });
    const enterpriseCode = decodeOneCode(await createOneCode(controller, { chainId: CHAIN, staple: await enterpriseStaple(0), issuedAt: NOW + 5 }));
    const { enterprise: _e, scopes: _s, ...bare } = enterpriseCode.status;
    expect(await check(encodeOneCode({ ...enterpriseCode, status: bare }))).toMatchObject({ valid: false, reason: "ONE_CODE_UNTRUSTED_GATEWAY" });
    const raised = { ...enterpriseCode, status: { ...enterpriseCode.status, scopes: 15 } };
    expect(await check(encodeOneCode(raised))).toMatchObject({ valid: false, reason: "ONE_CODE_UNTRUSTED_GATEWAY" });
  });

  test("malformed: an enterprise code without the identity scope, or with a zero enterprise id", async () => {
    const decoded = decodeOneCode(await createOneCode(controller, { chainId: CHAIN, staple: await enterpriseStaple(), issuedAt: NOW + 5 }));
    expect(thrown(() => encodeOneCode({ ...decoded, status: { ...decoded.status, scopes: 2 } })).code).toBe("ONE_CODE_MALFORMED");
    expect(thrown(() => encodeOneCode({ ...decoded, status: { ...decoded.status, enterprise: `0x${"0".repeat(64)}` } })).code).toBe("ONE_CODE_MALFORMED");
    // The same in the bytes: the scopes' low byte is the code's last field before the signature length.
    const bytes = Buffer.from(encodeOneCode(decoded), "base64url");
    const at = bytes.length - 2 - (decoded.signature.length - 2) / 2 - 1;
    expect(bytes[at]).toBe(10);
    bytes[at] = 2;
    expect(thrown(() => decodeOneCode(bytes.toString("base64url"))).code).toBe("ONE_CODE_MALFORMED");
  });
});

describe("one code: offline check", () => {
  test("a fresh code stapled by a trusted gateway and signed by the controller is valid", async () => {
    const verdict = await check(await code({ verifier: door }));
    expect(verdict.valid).toBe(true);
    if (verdict.valid) {
      expect(verdict.citizen).toBe(citizen);
      expect(verdict.level).toBe(3);
      expect(verdict.gateway).toBe(gateway.address);
      expect(verdict.stapleExpiresAt).toBe(NOW + 300);
    }
  });

  test("an expired staple is refused", async () => {
    expect(await check(await code(), { now: NOW + 301 })).toMatchObject({ valid: false, reason: "ONE_CODE_STAPLE_EXPIRED" });
  });

  test("a code for another verifier is refused", async () => {
    expect(await check(await code({ verifier: otherDoor }))).toMatchObject({ valid: false, reason: "ONE_CODE_WRONG_VERIFIER" });
  });

  test("an old code is refused even while its staple lasts", async () => {
    expect(await check(await code({ issuedAt: NOW }), { now: NOW + 61 })).toMatchObject({ valid: false, reason: "ONE_CODE_STALE" });
  });

  test("a staple from an untrusted gateway, a forged staple and a signature by another key are refused", async () => {
    const text = await code();
    expect(await check(text, { gateways: [otherDoor] })).toMatchObject({ valid: false, reason: "ONE_CODE_UNTRUSTED_GATEWAY" });
    const decoded = decodeOneCode(text);
    const raised = { ...decoded, status: { ...decoded.status, level: 4 } };
    expect(await check(encodeOneCode(raised))).toMatchObject({ valid: false, reason: "ONE_CODE_UNTRUSTED_GATEWAY" });
    const thief = privateKeyToAccount(generatePrivateKey());
    const forged = { ...decoded, signature: thief.signTypedData({ domain: { name: "x", version: "1", chainId: CHAIN }, types: { X: [{ name: "a", type: "uint8" }] }, primaryType: "X", message: { a: 1 } }) };
    expect(await check(encodeOneCode(forged))).toMatchObject({ valid: false, reason: "ONE_CODE_BAD_SIGNATURE" });
  });

  test("a claim swapped after stapling breaks the staple", async () => {
    const claim = { schema: randomBytes32(), credential: randomBytes32(), name: "senior", value: "true" };
    const decoded = decodeOneCode(await code({ claim }));
    const swapped = { ...claim, value: "false" };
    const text = encodeOneCode({ ...decoded, claim: swapped, status: { ...decoded.status, claimHash: oneCodeClaimHash(swapped) } });
    expect((await check(text)).valid).toBe(false);
  });

  test("the signer must be the stapled controller", async () => {
    const s = await staple();
    const other = privateKeyToAccount(generatePrivateKey());
    await expect(createOneCode(other, { chainId: CHAIN, staple: s })).rejects.toMatchObject({ code: "ONE_CODE_NOT_CONTROLLER" });
  });
});

describe("one code: account controllers (ERC-1271) on a real chain", () => {
  let fx: SdkFixture;
  let wallet: Address;
  const owner = privateKeyToAccount(generatePrivateKey());
  beforeAll(async () => {
    fx = await sdkFixture();
    wallet = (await (await fx.ethers.deployContract("ERC1271Wallet", [owner.address])).getAddress()) as Address;
  });
  afterAll(async () => {
    await fx?.connection.close?.();
  });

  test("a code signed through an account verifies with isValidSignatureNow and not without a chain", async () => {
    const client = createBaseClient({ rpc: fx.rpc, deployment: fx.deployment });
    // The wallet's owner key signs the digest; the wallet answers ERC-1271 for it.
    const signer: OneCodeSigner = { address: wallet, signTypedData: (td) => owner.signTypedData(td) };
    const text = await code({ signer });
    const online = await check(text, { contractSignature: (account: Address, digest: Hex, signature: Hex) => isValidSignatureNow(client, { signer: account, digest, signature }) });
    expect(online.valid).toBe(true);
    expect(await check(text)).toMatchObject({ valid: false, reason: "ONE_CODE_BAD_SIGNATURE" });
    const stranger = privateKeyToAccount(generatePrivateKey());
    const forged = await code({ signer: { address: wallet, signTypedData: (td) => stranger.signTypedData(td) } });
    expect(await check(forged, { contractSignature: (a: Address, d: Hex, s: Hex) => isValidSignatureNow(client, { signer: a, digest: d, signature: s }) })).toMatchObject({ valid: false, reason: "ONE_CODE_BAD_SIGNATURE" });
  });

  test("isValidSignatureNow checks a plain key by recovery", async () => {
    const client = createBaseClient({ rpc: fx.rpc, deployment: fx.deployment });
    const digest = randomBytes32();
    const key = privateKeyToAccount(generatePrivateKey());
    const { Signature, SigningKey } = await import("ethers");
    const sig = Signature.from(new SigningKey(key.exportPrivateKey()).sign(digest)).serialized as Hex;
    expect(await isValidSignatureNow(client, { signer: key.address, digest, signature: sig })).toBe(true);
    expect(await isValidSignatureNow(client, { signer: owner.address, digest, signature: sig })).toBe(false);
  });
});
