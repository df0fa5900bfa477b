// A trie database in memory, for tests of the chain's trie code beside ethereumjs's own trie.
import type { BatchDBOp, DB } from "@ethereumjs/util";

export class MemoryDB implements DB<string, Uint8Array> {
  readonly map = new Map<string, Uint8Array>();
  async get(k: string) {
    return this.map.get(k);
  }
  async put(k: string, v: Uint8Array) {
    this.map.set(k, v);
  }
  async del() {}
  async batch(ops: BatchDBOp<string, Uint8Array>[]) {
    for (const op of ops) if (op.type === "put") this.map.set(op.key, op.value);
  }
  shallowCopy() {
    return this;
  }
  async open() {}
}
