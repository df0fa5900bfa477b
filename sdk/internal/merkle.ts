// OpenZeppelin's merkle-tree layout (StandardMerkleTree / SimpleMerkleTree with the commutative
// keccak node hash that MerkleProof.verify checks), written here instead of depending on
// @openzeppelin/merkle-tree: that package pulls @metamask/abi-utils -> @metamask/utils ->
// @ethereumjs/tx 4 and two copies of ethereum-cryptography, 20 MB of a consumer's 41.7 MB
// node_modules (the SDK's budget is 40 MB) for the 40 lines below. test/sdk/merkle.test.ts holds
// roots and proofs equal to the library's for every tree size up to 40, sorted and unsorted.
import { getBytes, keccak256 } from "ethers";
import type { Hex } from "../types.js";

/** keccak256 of the two nodes in ascending byte order (lower-case hex of equal length sorts as bytes). */
export function hashPair(a: Hex, b: Hex): Hex {
  const [x, y] = a.toLowerCase() <= b.toLowerCase() ? [a, b] : [b, a];
  return keccak256(new Uint8Array([...getBytes(x), ...getBytes(y)])) as Hex;
}

/** StandardMerkleTree's leaf for one `bytes32` value: keccak256(keccak256(abi.encode(value))). */
export function standardBytes32Leaf(value: Hex): Hex {
  return keccak256(keccak256(value)) as Hex;
}

export type MerkleTree = {
  root: Hex;
  /** Inclusion proof of the i-th leaf as given (before any sorting). */
  proof(i: number): Hex[];
};

/** A tree over 32-byte leaves, laid out as OpenZeppelin's `makeMerkleTree` (leaves at the end, reversed). */
export function merkleTree(leaves: readonly Hex[], options: { sortLeaves: boolean }): MerkleTree {
  if (leaves.length === 0) throw new RangeError("A Merkle tree needs at least one leaf.");
  const order = leaves.map((_, i) => i);
  if (options.sortLeaves) order.sort((i, j) => (leaves[i].toLowerCase() < leaves[j].toLowerCase() ? -1 : leaves[i].toLowerCase() > leaves[j].toLowerCase() ? 1 : 0));
  const tree: Hex[] = new Array(2 * leaves.length - 1);
  const position = new Array<number>(leaves.length);
  order.forEach((leafIndex, k) => {
    tree[tree.length - 1 - k] = leaves[leafIndex].toLowerCase() as Hex;
    position[leafIndex] = tree.length - 1 - k;
  });
  for (let i = tree.length - 1 - leaves.length; i >= 0; i--) tree[i] = hashPair(tree[2 * i + 1], tree[2 * i + 2]);
  return {
    root: tree[0],
    proof(i: number): Hex[] {
      if (!Number.isInteger(i) || i < 0 || i >= leaves.length) throw new RangeError(`No leaf ${i}.`);
      const proof: Hex[] = [];
      for (let n = position[i]; n > 0; n = Math.floor((n - 1) / 2)) proof.push(tree[n % 2 === 1 ? n + 1 : n - 1]);
      return proof;
    },
  };
}

/** Whether `proof` leads from `leaf` to `root`. */
export function verifyMerkleProof(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  return proof.reduce<Hex>((node, sibling) => hashPair(node, sibling), leaf).toLowerCase() === root.toLowerCase();
}
