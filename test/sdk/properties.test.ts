// Properties over many generated inputs: the builders agree with ethers' independent EIP-712
// encoder and sign what it verifies; every receipt of a generated batch proves its record and
// no other.
import fc from "fast-check";
import { AbiCoder, TypedDataEncoder, concat, keccak256, verifyTypedData as ethersVerifyTypedData } from "ethers";
import { describe, expect, test } from "vitest";
import {
  buildAccessLogBatch,
  buildCredentialBatch,
  grantTypedData,
  hashTypedData,
  privateKeyToAccount,
  verifyAccessLogInclusion,
  type Hex,
} from "@imi-ledger/sdk";

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
const nonZeroBytes32 = hex(32).filter((h) => !/^0x0+$/.test(h));
const address = hex(20).filter((h) => !/^0x0+$/.test(h));
const uint = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
const key = privateKeyToAccount(`0x${"42".repeat(32)}`);

describe("properties", () => {
  test("Grant: digest equals ethers' and the signature recovers to the signer", () => {
    fc.assert(
      fc.property(
        fc.record({
          citizen: nonZeroBytes32,
          agency: address,
          scopes: uint(256).filter((n) => n > 0n),
          purpose: nonZeroBytes32,
          validFrom: uint(64),
          validUntil: uint(64),
          maxUses: uint(32),
          nonce: uint(256),
          deadline: uint(256),
          chainId: fc.integer({ min: 1, max: 2 ** 40 }),
        }),
        (r) => {
          const typedData = grantTypedData({ chainId: r.chainId, verifyingContract: r.agency, request: r, nonce: r.nonce, deadline: r.deadline });
          const types = { Grant: [...typedData.types.Grant] };
          expect(hashTypedData(typedData)).toBe(TypedDataEncoder.hash(typedData.domain, types, typedData.message));
          expect(ethersVerifyTypedData(typedData.domain, types, typedData.message, key.signTypedData(typedData))).toBe(key.address);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("access-log batches: each proof verifies, and a proof moved to another record does not", () => {
    const record = fc.record({
      time: uint(64),
      agency: address,
      citizen: hex(32),
      kind: fc.constantFrom("data" as const, "predicate" as const, "identity" as const, "credential" as const),
      scopes: uint(256),
      purpose: hex(32),
      grantId: hex(32),
      basis: fc.constantFrom("none" as const, "consent" as const, "statutory" as const),
      decision: fc.constantFrom("allowed" as const, "denied" as const),
      reason: fc.stringMatching(/^[A-Z_]{1,31}$/),
      requestHash: hex(32),
      responseHash: hex(32),
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 2, maxLength: 12 }), fc.integer({ min: 1, max: 1000 }), (records, first) => {
        const gateway = key.address;
        const batch = buildAccessLogBatch(records.map((r, i) => ({ ...r, seq: first + i, gateway })));
        expect(batch.proofs.every(verifyAccessLogInclusion)).toBe(true);
        const [a, b] = batch.proofs;
        expect(verifyAccessLogInclusion({ ...a, leaf: undefined, record: b.record })).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  // The contract's check, written out independently: leaf = keccak256(keccak256(abi.encode(hash))),
  // then OpenZeppelin MerkleProof's sorted-pair hashing up to the root.
  function provesOnChain(root: Hex, hash: Hex, proof: readonly Hex[]): boolean {
    let node = keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32"], [hash])));
    for (const sibling of proof) node = keccak256(concat(BigInt(node) < BigInt(sibling) ? [node, sibling] : [sibling, node]));
    return node === root;
  }

  test("credential batches: every proof leads to the root the way the contract checks it", () => {
    fc.assert(
      fc.property(fc.uniqueArray(nonZeroBytes32, { minLength: 1, maxLength: 20 }), (hashes) => {
        const batch = buildCredentialBatch(hashes);
        for (const h of hashes) expect(provesOnChain(batch.root, h, batch.proofs.get(h)!)).toBe(true);
        if (hashes.length > 1) expect(provesOnChain(batch.root, hashes[0], batch.proofs.get(hashes[1])!)).toBe(false);
      }),
      { numRuns: 30 },
    );
  });
});
