/**
 * A cache of content-addressed values (trie nodes: a key's value never changes) in two
 * generations, so the bound costs no bookkeeping per read. A generation is retired whole when it
 * holds `maxEntries` entries or about `maxBytes` of heap, whichever comes first; a hit in the
 * retired generation is carried into the current one. At most twice each bound is held.
 */
export class TwoGenerationCache<V> {
  private hot = new Map<string, V>();
  private cold = new Map<string, V>();
  private hotBytes = 0;
  private coldBytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
    /** Estimated heap bytes of an entry: its key, value and map slot. */
    private readonly sizeOf: (value: V) => number,
  ) {}

  /** Entries held now and their estimated heap size (both generations). */
  get cached(): { nodes: number; bytes: number } {
    return { nodes: this.hot.size + this.cold.size, bytes: this.hotBytes + this.coldBytes };
  }

  get(k: string): V | undefined {
    const v = this.hot.get(k);
    if (v !== undefined) return v;
    const c = this.cold.get(k);
    if (c !== undefined) this.set(k, c);
    return c;
  }

  set(k: string, value: V): void {
    const size = this.sizeOf(value);
    if (this.hot.size >= this.maxEntries || this.hotBytes + size > this.maxBytes) {
      this.cold = this.hot;
      this.coldBytes = this.hotBytes;
      this.hot = new Map();
      this.hotBytes = 0;
    }
    this.hot.set(k, value);
    this.hotBytes += size;
  }
}
