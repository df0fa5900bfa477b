import { beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { agencyRequestMessage, agencyRequestTypedData, agencyRequestTypes } from "@imi-ledger/sdk";
import { identityProofMessage, identityProofTypedData, identityProofTypes } from "@imi-ledger/sdk";
import { hashTypedData } from "@imi-ledger/sdk";
import { GATEWAY_DOMAIN_NAME, chainDomain } from "@imi-ledger/sdk";
import { privateKeyToAccount } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { fastTypedDataHasher, initFastCrypto, nativeSigner, recoverSigner, toHex } from "../../../node/gateway/internal/fastTypedData.js";

const hex = (n: number) => `0x${randomBytes(n).toString("hex")}` as Hex;
const native0 = () => nativeSigner(privateKeyToAccount(hex(32)));

// The gateway's fast digests must be exactly the SDK's, or signatures and logged request hashes diverge.
describe("fast EIP-712 digests and native recovery", () => {
  beforeAll(async () => initFastCrypto());

  it("signs the relay's digests exactly as the SDK's key does, natively", () => {
    for (let k = 0; k < 5; k++) {
      const account = privateKeyToAccount(hex(32));
      const native = nativeSigner(account);
      expect(native.address).toBe(account.address);
      for (let i = 0; i < 40; i++) {
        const digest = hex(32);
        const signature = native.signDigest(digest);
        expect(signature).toBe(account.signDigest(digest));
        expect(recoverSigner(Buffer.from(digest.slice(2), "hex"), signature)).toBe(account.address.toLowerCase());
      }
    }
    expect(() => native0().signDigest("0x1234")).toThrow();
  });

  it("equal the SDK's digests for random agency requests and identity proofs", () => {
    for (const chainId of [1, 7337, 31337]) {
      const domain = chainDomain(GATEWAY_DOMAIN_NAME, chainId);
      const agency = fastTypedDataHasher(domain, agencyRequestTypes, "AgencyRequest");
      const identity = fastTypedDataHasher(domain, identityProofTypes, "IdentityProof");
      for (let i = 0; i < 50; i++) {
        const m = agencyRequestMessage({ chainId, agency: hex(20), gateway: hex(20), citizen: hex(32), scopes: BigInt(hex(1 + (i % 32))) || 1n, purpose: hex(32), grantId: i % 3 ? hex(32) : undefined, method: i % 2 ? "post" : "GET", path: `/v1/x/${i}?q=${"é".repeat(i % 4)}`, body: i % 5 ? JSON.stringify({ i }) : undefined, issuedAt: 1_700_000_000 + i });
        expect(toHex(agency(m))).toBe(hashTypedData(agencyRequestTypedData(chainId, m)));
        const p = identityProofMessage({ chainId, citizen: hex(32), controller: hex(20), audience: `https://gw${i}.example/路径`, challenge: hex(32), issuedAt: 1_700_000_000 + i });
        expect(toHex(identity(p))).toBe(hashTypedData(identityProofTypedData(chainId, p)));
      }
    }
  });

  it("recovers the signer natively and refuses malformed or high-s signatures", () => {
    const key = privateKeyToAccount(hex(32));
    const digest = randomBytes(32);
    const sig = key.signDigest(toHex(digest) as Hex);
    expect(recoverSigner(digest, sig)).toBe(key.address.toLowerCase());
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const v = Number.parseInt(sig.slice(130), 16);
    const highS = `${sig.slice(0, 66)}${(n - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}`;
    expect(recoverSigner(digest, highS)).toBeUndefined();
    expect(recoverSigner(digest, sig.slice(0, 130))).toBeUndefined();
    expect(recoverSigner(digest, `${sig.slice(0, 130)}1d`)).toBeUndefined();
    expect(recoverSigner(digest, "0xzz")).toBeUndefined();
    expect(recoverSigner(digest, `${sig.slice(0, 40)}g${sig.slice(41)}`)).toBeUndefined();
  });
});

describe("NonceStore", () => {
  it("refuses a claimed key until it expires, across a reopen, and forgets it after pruning", async () => {
    const { NonceStore } = await import("../../../node/gateway/internal/NonceStore.js");
    const { tempDir } = await import("../indexer/helpers.js");
    const dir = await tempDir("nonces");
    let t = 1_000;
    let store = await NonceStore.open(dir.path, () => t);
    const claims = await Promise.all(["a", "b", "a", "c"].map((k) => store.claim(k, 1_100)));
    expect(claims).toEqual([true, true, false, true]);
    expect(await store.claim("d", 1_050)).toBe(true);
    await store.close();
    store = await NonceStore.open(dir.path, () => t);
    expect(await store.claim("a", 1_100)).toBe(false);
    expect(await store.claim("d", 1_100)).toBe(false);
    t = 1_060;
    await store.close();
    store = await NonceStore.open(dir.path, () => t);
    expect(await store.claim("d", 1_200)).toBe(true); // expired, so usable again (its request would be stale anyway)
    expect(await store.claim("b", 1_200)).toBe(false);
    t = 1_300;
    await store.prune();
    expect(store.size()).toBe(0);
    await store.close();
    await dir.remove();
  });

  it("kept in the access log: a claim is durable with the log's next batch, survives a reopen, and carries over an older store's claims", async () => {
    const { NonceStore } = await import("../../../node/gateway/internal/NonceStore.js");
    const { openAccessLog } = await import("../../../node/accesslog/index.js");
    const { tempDir } = await import("../indexer/helpers.js");
    const { join } = await import("node:path");
    const dir = await tempDir("nonces-in-log");
    const gateway = "0x" + "11".repeat(20);
    let t = 1_000;
    const legacy = await NonceStore.open(join(dir.path, "nonces"), () => t);
    expect(await legacy.claim("old", 1_100)).toBe(true);
    expect(await legacy.claim("stale", 900)).toBe(true);
    await legacy.close();
    let log = await openAccessLog({ dir: join(dir.path, "log"), gateway });
    let store = await NonceStore.inAccessLog(log, { legacyDir: join(dir.path, "nonces"), now: () => t });
    expect(await store.claim("old", 1_100)).toBe(false);
    expect(await store.claim("stale", 1_100)).toBe(true);
    const claims = await Promise.all(["a", "b", "a"].map((k) => store.claim(k, 1_100)));
    expect(claims).toEqual([true, true, false]);
    await store.close();
    await log.close();
    log = await openAccessLog({ dir: join(dir.path, "log"), gateway });
    store = await NonceStore.inAccessLog(log, { now: () => t });
    for (const k of ["old", "stale", "a", "b"]) expect(await store.claim(k, 1_100)).toBe(false);
    t = 1_200;
    await store.prune();
    expect(store.size()).toBe(0);
    await store.close();
    await expect(store.claim("c", 1_300)).rejects.toMatchObject({ code: "NONCE_STORE_UNAVAILABLE" });
    store = await NonceStore.inAccessLog(log, { now: () => t });
    await log.close();
    await expect(store.claim("d", 1_300)).rejects.toMatchObject({ code: "NONCE_STORE_UNAVAILABLE" });
    await store.close();
    await dir.remove();
  });
});
