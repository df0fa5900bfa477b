import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MemoryDB } from "./memoryTrieDb.js";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { ValueEncoding } from "@ethereumjs/util";
import { TrieReader } from "../../../node/chain/internal/TrieReader.js";


/** Keys that share all but their last byte or two, so the trie gets deep paths, extensions and embedded nodes. */
function crowdedKey(): Uint8Array {
  const key = new Uint8Array(32).fill(0xab);
  key[31] = randomBytes(1)[0]!;
  if (randomBytes(1)[0]! % 2 === 0) key[30] = randomBytes(1)[0]! % 3;
  return key;
}

describe("TrieReader", () => {
  it("answers what ethereumjs's get answers, present and absent keys, on tries of every shape, across roots of the same database", async () => {
    const cases: { size: number; key: () => Uint8Array; small?: boolean }[] = [
      { size: 0, key: () => randomBytes(32) },
      { size: 1, key: () => randomBytes(32) },
      { size: 2, key: () => randomBytes(32) },
      { size: 40, key: () => randomBytes(32) },
      { size: 600, key: () => randomBytes(32) },
      { size: 60, key: crowdedKey },
      { size: 80, key: crowdedKey, small: true },
    ];
    for (const [n, c] of cases.entries()) {
      const db = new MemoryDB();
      const trie = new MerklePatriciaTrie({ db, useKeyHashing: false, valueEncoding: ValueEncoding.Bytes });
      // A small cache, so that the reader also reads nodes again after dropping them.
      const reader = new TrieReader(db, 64);
      const keys: Uint8Array[] = [];
      const roots: { root: Uint8Array; keys: number }[] = [];
      for (let i = 0; i < c.size; i++) {
        const k = c.key();
        keys.push(k);
        await trie.put(k, c.small ? Uint8Array.of(0x01 + (i % 3)) : RLP.encode(randomBytes(1 + (i % 32))));
        if (i % Math.max(20, Math.floor(c.size / 4)) === 0) roots.push({ root: trie.root(), keys: i + 1 });
      }
      roots.push({ root: trie.root(), keys: keys.length });
      const absent = Array.from({ length: 50 }, () => c.key());
      // A key whose path runs into an existing leaf or extension and leaves it in the last nibble.
      for (const k of keys.slice(0, 5)) {
        const near = k.slice();
        near[31] = near[31]! ^ 1;
        absent.push(near);
      }
      for (const { root, keys: count } of roots) {
        trie.root(root);
        // Keys written after this root are absent from it (unless a later write repeated one).
        for (const k of [...keys.slice(0, count + 10), ...absent]) {
          const want = await trie.get(k);
          const got = await reader.get(root, k, trie.EMPTY_TRIE_ROOT);
          expect(got ?? null, `case ${n}`).toEqual(want);
        }
      }
    }
  });
});
