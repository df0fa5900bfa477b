import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MemoryDB } from "./memoryTrieDb.js";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex, ValueEncoding } from "@ethereumjs/util";
import { putBatch } from "../../../node/chain/internal/batchTrie.js";


const value = (n: number) => RLP.encode(randomBytes(1 + (n % 32)));

/** Keys that share all but their last byte or two, so the trie gets deep paths and embedded nodes. */
function crowdedKey(): Uint8Array {
  const key = new Uint8Array(32).fill(0xab);
  key[31] = randomBytes(1)[0]!;
  if (randomBytes(1)[0]! % 2 === 0) key[30] = randomBytes(1)[0]! % 3;
  return key;
}

describe("putBatch", () => {
  it("gives the root ethereumjs gives for the same writes one by one: empty and filled tries, new keys, overwrites, repeats, deep and embedded nodes", async () => {
    const cases: { before: number; batch: number; key: () => Uint8Array; small?: boolean }[] = [
      { before: 0, batch: 1, key: () => randomBytes(32) },
      { before: 0, batch: 2, key: () => randomBytes(32) },
      { before: 1, batch: 1, key: () => randomBytes(32) },
      { before: 1, batch: 3, key: () => randomBytes(32) },
      { before: 17, batch: 40, key: () => randomBytes(32) },
      { before: 300, batch: 1, key: () => randomBytes(32) },
      { before: 300, batch: 700, key: () => randomBytes(32) },
      { before: 0, batch: 2000, key: () => randomBytes(32) },
      { before: 20, batch: 30, key: crowdedKey },
      { before: 0, batch: 60, key: crowdedKey, small: true },
      { before: 40, batch: 100, key: crowdedKey, small: true },
    ];
    for (const [n, c] of cases.entries()) {
      const db = new MemoryDB();
      const trie = new MerklePatriciaTrie({ db, useKeyHashing: false, valueEncoding: ValueEncoding.Bytes });
      const existing: Uint8Array[] = [];
      for (let i = 0; i < c.before; i++) {
        const k = c.key();
        existing.push(k);
        await trie.put(k, c.small ? Uint8Array.of(0x01) : value(i));
      }
      const before = trie.root();
      const entries: { key: Uint8Array; value: Uint8Array }[] = [];
      for (let i = 0; i < c.batch; i++) {
        // A third overwrite a key already there, a few repeat a key of the same batch.
        const k = i % 3 === 1 && existing.length > 0 ? existing[i % existing.length]! : i % 7 === 3 && entries.length > 0 ? entries[0]!.key : c.key();
        entries.push({ key: k, value: c.small ? Uint8Array.of(2 + (i % 100)) : value(i + 7) });
      }
      for (const e of entries) await trie.put(e.key, e.value);
      const batched = await putBatch(db, before, entries, trie.EMPTY_TRIE_ROOT);
      expect(bytesToHex(batched), `case ${n}`).toBe(bytesToHex(trie.root()));
      // Every node the new root reaches was written: ethereumjs reads each value back from it.
      const reader = new MerklePatriciaTrie({ db, useKeyHashing: false, valueEncoding: ValueEncoding.Bytes, root: batched });
      for (const e of entries.slice(-50)) expect(await reader.get(e.key)).toBeDefined();
    }
  });
});
