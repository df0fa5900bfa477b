// The SDK's Merkle trees are written by hand to keep @openzeppelin/merkle-tree (and its 20 MB of
// dependencies) out of consumers' installs; they must stay equal to the library the contracts'
// MerkleProof.verify and the node's log were written against.
import { SimpleMerkleTree, StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256, toBeHex } from "ethers";
import { describe, expect, test } from "vitest";
import { merkleTree, standardBytes32Leaf, verifyMerkleProof } from "../../sdk/internal/merkle.js";
import type { Hex } from "@imi-ledger/sdk";

const values = (n: number, salt: string): Hex[] => Array.from({ length: n }, (_, i) => keccak256(toBeHex(BigInt(i) * 7919n + BigInt(salt.length), 32)) as Hex);

describe("hand-written Merkle trees equal OpenZeppelin's merkle-tree", () => {
  test("SimpleMerkleTree, unsorted leaves (the access log): roots and proofs for 1..40 leaves", () => {
    for (let n = 1; n <= 40; n++) {
      const leaves = values(n, "simple");
      const ours = merkleTree(leaves, { sortLeaves: false });
      const theirs = SimpleMerkleTree.of(leaves, { sortLeaves: false });
      expect(ours.root).toBe(theirs.root);
      for (let i = 0; i < n; i++) {
        expect(ours.proof(i)).toEqual(theirs.getProof(i));
        expect(verifyMerkleProof(ours.root, leaves[i], ours.proof(i))).toBe(true);
        expect(SimpleMerkleTree.verify(theirs.root, leaves[i], ours.proof(i))).toBe(true);
      }
    }
  });

  test("StandardMerkleTree over bytes32 (credential batches): roots and proofs for 1..40 values", () => {
    for (let n = 1; n <= 40; n++) {
      const hashes = values(n, "standard-tree");
      const ours = merkleTree(hashes.map(standardBytes32Leaf), { sortLeaves: true });
      const theirs = StandardMerkleTree.of(hashes.map((h) => [h]), ["bytes32"]);
      expect(ours.root).toBe(theirs.root);
      for (let i = 0; i < n; i++) expect(ours.proof(i)).toEqual(theirs.getProof(i));
    }
  });

  test("a proof for another leaf or root does not verify", () => {
    const leaves = values(5, "x");
    const tree = merkleTree(leaves, { sortLeaves: false });
    expect(verifyMerkleProof(tree.root, leaves[1], tree.proof(0))).toBe(false);
    expect(verifyMerkleProof(leaves[0], leaves[0], tree.proof(0))).toBe(false);
    expect(() => merkleTree([], { sortLeaves: false })).toThrow(RangeError);
  });
});
