import { RLP } from "@ethereumjs/rlp";
import { bytesToUnprefixedHex } from "@ethereumjs/util";
import type { TrieNodeStore } from "./batchTrie.js";
import { TwoGenerationCache } from "./TwoGenerationCache.js";

/**
 * Reads one key of a Merkle Patricia trie: the walk from the root down the key's nibbles, with
 * the decoded nodes kept. ethereumjs's `get` runs the same walk through its generic walker (a
 * task queue, a node object per step, nibble arrays) and RLP-decodes every node again on every
 * read; on consent grants, where most slots a transaction reads are new and so absent, those
 * reads were 12 % of the node's CPU (docs/chain.md). Nodes are content-addressed and never
 * change, so a decoded node can be kept as long as there is room; nothing here changes one.
 * test/node/chain/trieReader.test.ts holds it equal to ethereumjs's `get`, absent keys included.
 *
 * Node layout as in the Yellow Paper: a branch has 17 items, an extension or a leaf 2 (told
 * apart by the flag nibble of the hex-prefix path); a child is its node's hash, or the node
 * itself when its encoding is shorter than 32 bytes.
 */
type Raw = Uint8Array | Raw[];

export class TrieReader {
  private readonly db: TrieNodeStore;
  /**
   * Decoded nodes by hash, in two generations (as StateDB's), retired at `maxNodes` nodes or about
   * `maxBytes` of heap, whichever comes first: a decoded branch is 17 byte arrays of its own,
   * about 3 kB on the heap (a heap snapshot at 10,000 citizens: 60.8 MB for 20,000 nodes), a leaf
   * a few hundred bytes, so a count alone bounded the reader only at about 120 MB.
   */
  private readonly nodes: TwoGenerationCache<Raw[]>;

  constructor(db: TrieNodeStore, maxNodes = 20_000, maxBytes = 24 * 1024 * 1024) {
    this.db = db;
    this.nodes = new TwoGenerationCache(maxNodes, maxBytes, (node) => ENTRY_BYTES + heapBytes(node));
  }

  /** Decoded nodes held now and their estimated heap size (both generations). */
  get cached(): { nodes: number; bytes: number } {
    return this.nodes.cached;
  }

  private async node(hash: Uint8Array): Promise<Raw[]> {
    const k = bytesToUnprefixedHex(hash);
    const cached = this.nodes.get(k);
    if (cached !== undefined) return cached;
    const bytes = await this.db.get(k);
    if (bytes === undefined) throw new Error(`trie node ${k} is missing`);
    const node = RLP.decode(bytes) as Raw[];
    this.nodes.set(k, node);
    return node;
  }

  /** The value at `key` (already hashed: 32 bytes) in the trie at `root`, or undefined when absent. */
  async get(root: Uint8Array, key: Uint8Array, emptyRoot: Uint8Array): Promise<Uint8Array | undefined> {
    if (sameBytes(root, emptyRoot)) return undefined;
    let node: Raw[] = await this.node(root);
    // Position in the key, in nibbles.
    let at = 0;
    for (;;) {
      let child: Raw;
      if (node.length === 17) {
        if (at === 64) return undefined;
        child = node[nibble(key, at)]!;
        at++;
      } else {
        const path = node[0] as Uint8Array;
        const flag = path[0]! >> 4;
        const odd = flag & 1;
        const length = (path.length - 1) * 2 + odd;
        if (at + length > 64) return undefined;
        // The path's nibbles against the key's, from the odd nibble in the first byte (if any).
        for (let i = 0; i < length; i++) {
          if (nibble(path, i + 2 - odd) !== nibble(key, at + i)) return undefined;
        }
        at += length;
        if (flag >= 2) return at === 64 ? (node[1] as Uint8Array) : undefined;
        child = node[1]!;
      }
      if (Array.isArray(child)) node = child;
      else if (child.length === 0) return undefined;
      else node = await this.node(child);
    }
  }

}

/** A map entry and its 64-character key, on V8's heap. */
const ENTRY_BYTES = 150;

/**
 * Heap bytes of a decoded node, estimated: every item RLP.decode makes is a Uint8Array with an
 * ArrayBuffer of its own (about 180 bytes beside its contents, from a heap snapshot), every list
 * an array of pointers.
 */
function heapBytes(raw: Raw): number {
  if (raw instanceof Uint8Array) return 184 + raw.length;
  let bytes = 32 + 8 * raw.length;
  for (const item of raw) bytes += heapBytes(item);
  return bytes;
}

function nibble(bytes: Uint8Array, i: number): number {
  const b = bytes[i >> 1]!;
  return (i & 1) === 0 ? b >> 4 : b & 15;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
