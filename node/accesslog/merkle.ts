// Batch roots and inclusion proofs. Proofs come from OpenZeppelin's merkle-tree library
// (SimpleMerkleTree over the record leaves, in sequence order). Roots of whole batches are also
// computed here directly with the same tree shape and node hash, because `audit verify` must
// rebuild every batch of a long log quickly; a test pins both to the same result.
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { hexlify } from "ethers";
import { hashPair } from "./internal/keccak.js";

/** The root OpenZeppelin's makeMerkleTree gives for these leaves (unsorted, in order). */
export function rootOfLeaves(leaves: readonly Uint8Array[]): Uint8Array {
  const n = leaves.length;
  if (n === 0) throw new RangeError("a batch has at least one record");
  const tree: Uint8Array[] = new Array(2 * n - 1);
  for (let i = 0; i < n; i++) tree[tree.length - 1 - i] = leaves[i];
  for (let i = tree.length - 1 - n; i >= 0; i--) tree[i] = hashPair(tree[2 * i + 1], tree[2 * i + 2]);
  return tree[0];
}

/** A library tree over the batch's leaves, for proofs. */
export function treeOfLeaves(leaves: readonly Uint8Array[]): SimpleMerkleTree {
  return SimpleMerkleTree.of(
    leaves.map((leaf) => hexlify(leaf)),
    { sortLeaves: false },
  );
}
