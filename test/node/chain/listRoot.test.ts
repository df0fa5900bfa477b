// The one-pass transactions/receipts root equals the root @ethereumjs/mpt builds item by item.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { bytesToHex } from "@ethereumjs/util";
import { listRoot } from "../../../node/chain/internal/listRoot.js";

async function reference(values: Uint8Array[]): Promise<string> {
  const trie = new MerklePatriciaTrie();
  for (const [i, value] of values.entries()) await trie.put(RLP.encode(i), value);
  return bytesToHex(trie.root());
}

describe("listRoot", () => {
  it("matches the trie root for lists of every shape: empty, one item, around 16, 128 and 256, short and long values", async () => {
    for (const n of [0, 1, 2, 3, 15, 16, 17, 127, 128, 129, 255, 256, 257, 300, 1_000]) {
      const values = Array.from({ length: n }, (_, i) => new Uint8Array(randomBytes(i % 3 === 0 ? 1 + (i % 7) : 20 + ((i * 37) % 400))));
      expect(bytesToHex(listRoot(values)), `n = ${n}`).toBe(await reference(values));
    }
  });
});
