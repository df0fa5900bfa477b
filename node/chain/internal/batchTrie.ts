import { RLP } from "@ethereumjs/rlp";
import { bytesToUnprefixedHex } from "@ethereumjs/util";
import { keccak256 } from "./crypto.js";

/**
 * Writes many leaves into a Merkle Patricia trie at once: every node on the changed paths is
 * encoded and hashed once for the whole batch. ethereumjs's `put` re-encodes and re-hashes the
 * whole path from the root for each key, so a block's storage writes into one contract hashed
 * the root and the upper branches once per slot: on consent grants the flush at the end of a
 * block was 14 % of the node's CPU (docs/chain.md). Only inserts and overwrites of 32-byte
 * (hashed) keys are handled; a batch with a deletion goes through ethereumjs instead. The test
 * (test/node/chain/batchTrie.test.ts) holds its roots equal to ethereumjs's.
 *
 * Node layout as in the Yellow Paper: a branch has 17 items, an extension or a leaf 2 (told
 * apart by the flag nibble of the hex-prefix path); a child is its node's hash, or the node
 * itself when its encoding is shorter than 32 bytes.
 */
export interface TrieNodeStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
}

type Raw = Uint8Array | Raw[];
type Node = Raw[];
/** A write: the key's 64 nibbles and the leaf's value. */
interface Write {
  path: Uint8Array;
  value: Uint8Array;
}

const EMPTY = new Uint8Array(0);

function nibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i]! >> 4;
    out[2 * i + 1] = key[i]! & 15;
  }
  return out;
}

function hexPrefix(path: Uint8Array, leaf: boolean): Uint8Array {
  const odd = path.length % 2;
  const out = new Uint8Array(1 + (path.length - odd) / 2);
  out[0] = ((leaf ? 2 : 0) + odd) << 4;
  let i = 0;
  if (odd === 1) out[0]! |= path[i++]!;
  for (let o = 1; i < path.length; i += 2, o++) out[o] = (path[i]! << 4) | path[i + 1]!;
  return out;
}

function decodePath(encoded: Uint8Array): { path: Uint8Array; leaf: boolean } {
  const flag = encoded[0]! >> 4;
  const all = nibbles(encoded);
  return { path: all.subarray(flag % 2 === 1 ? 1 : 2), leaf: flag >= 2 };
}

function commonPrefix(a: Uint8Array, aFrom: number, b: Uint8Array, bFrom: number, max: number): number {
  let n = 0;
  while (n < max && a[aFrom + n] === b[bFrom + n]) n++;
  return n;
}

/** Writes `entries` (32-byte keys, already hashed, and their values) into the trie at `root`; returns the new root. */
export async function putBatch(db: TrieNodeStore, root: Uint8Array, entries: { key: Uint8Array; value: Uint8Array }[], emptyRoot: Uint8Array): Promise<Uint8Array> {
  if (entries.length === 0) return root;
  const writes: Write[] = entries.map((e) => ({ path: nibbles(e.key), value: e.value }));
  writes.sort((a, b) => {
    for (let i = 0; i < a.path.length; i++) if (a.path[i] !== b.path[i]) return a.path[i]! - b.path[i]!;
    return 0;
  });
  // The last write of a key wins, as it would with one put after the other (sort is stable).
  const unique: Write[] = [];
  for (const w of writes) {
    const last = unique[unique.length - 1];
    if (last !== undefined && commonPrefix(last.path, 0, w.path, 0, 64) === 64) unique[unique.length - 1] = w;
    else unique.push(w);
  }
  const resolve = async (ref: Raw): Promise<Node | undefined> => {
    if (Array.isArray(ref)) return ref;
    if (ref.length === 0) return undefined;
    const bytes = await db.get(bytesToUnprefixedHex(ref));
    if (bytes === undefined) throw new Error(`trie node ${bytesToUnprefixedHex(ref)} is missing`);
    return RLP.decode(bytes) as Node;
  };
  const store = async (node: Node): Promise<Raw> => {
    const encoded = RLP.encode(node);
    if (encoded.length < 32) return node;
    const hash = keccak256(encoded);
    await db.put(bytesToUnprefixedHex(hash), encoded);
    return hash;
  };

  // Builds the subtree holding `ws` (sorted, distinct, all sharing path[0..depth)) where nothing was.
  const build = async (ws: Write[], depth: number): Promise<Node> => {
    if (ws.length === 1) return [hexPrefix(ws[0]!.path.subarray(depth), true), ws[0]!.value];
    const first = ws[0]!.path;
    const last = ws[ws.length - 1]!.path;
    const shared = commonPrefix(first, depth, last, depth, 64 - depth);
    const branch = await fillBranch(emptyBranch(), ws, depth + shared);
    if (shared === 0) return branch;
    return [hexPrefix(first.subarray(depth, depth + shared), false), await store(branch)];
  };
  const emptyBranch = (): Node => Array.from({ length: 17 }, () => EMPTY);
  // Writes `ws` into the children of `branch`, which sits at nibble `depth`.
  const fillBranch = async (branch: Node, ws: Write[], depth: number): Promise<Node> => {
    let i = 0;
    while (i < ws.length) {
      const nibble = ws[i]!.path[depth]!;
      let j = i + 1;
      while (j < ws.length && ws[j]!.path[depth] === nibble) j++;
      const child = await resolve(branch[nibble]!);
      branch[nibble] = await store(await update(child, ws.slice(i, j), depth + 1));
      i = j;
    }
    return branch;
  };
  const update = async (node: Node | undefined, ws: Write[], depth: number): Promise<Node> => {
    if (node === undefined) return build(ws, depth);
    if (node.length === 17) return fillBranch(node.slice(), ws, depth);
    const { path, leaf } = decodePath(node[0] as Uint8Array);
    if (leaf) {
      // A leaf is one more write, unless a write replaces it.
      const full = new Uint8Array(64);
      full.set(ws[0]!.path.subarray(0, depth));
      full.set(path, depth);
      const merged = ws.some((w) => commonPrefix(w.path, depth, full, depth, 64 - depth) === 64 - depth)
        ? ws
        : [...ws, { path: full, value: node[1] as Uint8Array }].sort((a, b) => {
            for (let k = depth; k < 64; k++) if (a.path[k] !== b.path[k]) return a.path[k]! - b.path[k]!;
            return 0;
          });
      return build(merged, depth);
    }
    // An extension: the writes that leave its path split it where they leave.
    let split = path.length;
    for (const w of ws) split = Math.min(split, commonPrefix(w.path, depth, path, 0, path.length));
    if (split === path.length) {
      const child = await resolve(node[1]!);
      const next = await update(child, ws, depth + path.length);
      return [node[0]!, await store(next)];
    }
    const branch = emptyBranch();
    const rest = path.subarray(split + 1);
    branch[path[split]!] = rest.length === 0 ? node[1]! : await store([hexPrefix(rest, false), node[1]!]);
    const filled = await fillBranch(branch, ws, depth + split);
    if (split === 0) return filled;
    return [hexPrefix(path.subarray(0, split), false), await store(filled)];
  };

  const top = await update(await resolve(root.length === 32 && bytesEqual(root, emptyRoot) ? EMPTY : root), unique, 0);
  // The root is stored under its hash whatever its size.
  const encoded = RLP.encode(top);
  const hash = keccak256(encoded);
  await db.put(bytesToUnprefixedHex(hash), encoded);
  return hash;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
