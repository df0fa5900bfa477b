import { RLP } from "@ethereumjs/rlp";
import { keccak256 } from "./crypto.js";

type Raw = Uint8Array | Raw[];

/**
 * Root of the Merkle Patricia trie that maps RLP(index) to `values[index]`: a block header's
 * transactions and receipts roots. Built in one pass over the sorted keys, with each node encoded
 * and hashed once. Inserting the items one by one into @ethereumjs/mpt gives the same root, but
 * re-encodes and re-hashes the whole path at every insert, which cost about 0.1 ms per
 * transaction at every block; no library offers a one-pass builder.
 */
export function listRoot(values: Uint8Array[]): Uint8Array {
  if (values.length === 0) return keccak256(RLP.encode(new Uint8Array()));
  const items = values.map((value, i) => ({ path: nibbles(RLP.encode(i)), value }));
  return keccak256(RLP.encode(build(items, 0)));
}

function nibbles(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (const b of bytes) out.push(b >> 4, b & 15);
  return out;
}

/** Hex-prefix encoding of a path (Yellow Paper, appendix C). */
function hexPrefix(path: number[], leaf: boolean): Uint8Array {
  const odd = path.length % 2;
  const out = new Uint8Array(1 + (path.length >> 1));
  out[0] = ((leaf ? 2 : 0) + odd) << 4;
  let i = 0;
  if (odd === 1) out[0]! |= path[i++]!;
  for (let o = 1; i < path.length; i += 2, o++) out[o] = (path[i]! << 4) | path[i + 1]!;
  return out;
}

/** A child as its parent holds it: embedded when its encoding is shorter than 32 bytes, else by hash. */
function reference(node: Raw): Raw {
  const encoded = RLP.encode(node);
  return encoded.length < 32 ? node : keccak256(encoded);
}

function build(items: { path: number[]; value: Uint8Array }[], depth: number): Raw {
  if (items.length === 1) return [hexPrefix(items[0]!.path.slice(depth), true), items[0]!.value];
  const first = items[0]!.path;
  let shared = 0;
  for (;;) {
    const nibble = first[depth + shared];
    if (nibble === undefined || items.some((item) => item.path[depth + shared] !== nibble)) break;
    shared++;
  }
  if (shared > 0) return [hexPrefix(first.slice(depth, depth + shared), false), reference(build(items, depth + shared))];
  const branch: Raw[] = Array.from({ length: 17 }, () => new Uint8Array());
  const groups: { path: number[]; value: Uint8Array }[][] = Array.from({ length: 16 }, () => []);
  for (const item of items) {
    const nibble = item.path[depth];
    if (nibble === undefined) branch[16] = item.value;
    else groups[nibble]!.push(item);
  }
  groups.forEach((group, i) => {
    if (group.length > 0) branch[i] = reference(build(group, depth + 1));
  });
  return branch;
}
