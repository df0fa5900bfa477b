// One view kept on disk (LevelDB, keys `<prefix>:<id>`) and read synchronously (classic-level's
// getSync), with a bounded cache of recent entries in front. A district's views (1.23M identities
// and keys, a million consents) do not fit the gateway's memory as maps; an access reads a handful
// of entries, so a cache of the busy ones plus one disk read for a cold one keeps it in
// microseconds while the heap no longer grows with the population.
//
// Entries written while a block range is applied are held in `pending` until that range's LevelDB
// batch is written (`commit`), so a later log of the same range sees them, readers see the view
// the indexer is about to make durable (as the in-memory maps did), and eviction from the cache
// never loses a write that is not on disk yet. A failed write drops the whole view (the indexer
// reloads from disk), never the pending entries alone.
import type { Level } from "level";
import { LRUCache } from "lru-cache";

/** The entry was deleted in the range being applied. */
const GONE = Symbol("gone");

/**
 * Heap one view's cache may take, estimated by `heapBytes`. The count bound (`cacheEntries`) holds
 * views of small entries (an identity is about 265 bytes on the heap, from a heap snapshot at
 * 40,000 citizens); this one holds views whose entries grow, such as a citizen's list of consents.
 */
export const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024;
/** The cache's own slots for an entry (key and value lists, links, the `{ v }` box). */
const ENTRY_BYTES = 64;

export class DiskMap<V extends object | string | boolean> {
  private readonly cache: LRUCache<string, { v: V }>;
  private pending = new Map<string, V | typeof GONE>();

  constructor(
    private readonly db: Level<string, unknown>,
    private readonly prefix: string,
    private readonly decodeValue: (raw: unknown) => V,
    cacheEntries: number,
    cacheBytes = DEFAULT_CACHE_BYTES,
  ) {
    this.cache = new LRUCache({ max: Math.max(1, cacheEntries), maxSize: Math.max(1, cacheBytes), sizeCalculation: (entry, id) => ENTRY_BYTES + heapBytes(id) + heapBytes(entry.v) });
  }

  get(id: string): V | undefined {
    const p = this.pending.get(id);
    if (p !== undefined) return p === GONE ? undefined : p;
    const hit = this.cache.get(id);
    if (hit) return hit.v;
    const raw = this.db.getSync(`${this.prefix}:${id}`);
    if (raw === undefined) return undefined;
    const v = this.decodeValue(raw);
    this.cache.set(id, { v });
    return v;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /**
   * Records `v` as the entry's new value until the range is committed. The caller pushes the
   * matching LevelDB op (the applier does, as before). Objects read with `get` and changed in place
   * must be `set` (or `touch`ed) again so the change outlives the cache.
   */
  set(id: string, v: V): this {
    this.pending.set(id, v);
    return this;
  }

  delete(id: string): boolean {
    const had = this.get(id) !== undefined;
    this.pending.set(id, GONE);
    return had;
  }

  /** The range's LevelDB batch is on disk: its entries move to the cache. */
  commit(): void {
    for (const [id, v] of this.pending) {
      if (v === GONE) this.cache.delete(id);
      else this.cache.set(id, { v });
    }
    this.pending = new Map();
  }

  /** Entries held in memory (cache and pending), for the footprint figures. */
  get cached(): number {
    return this.cache.size + this.pending.size;
  }

  /** Estimated heap bytes of the cached entries (pending ones not counted: they last one range). */
  get cachedBytes(): number {
    return this.cache.calculatedSize;
  }
}

/**
 * Heap bytes of a decoded entry, estimated the way V8 lays it out on 64-bit machines: a string is a
 * 16-byte header and its characters (one byte each for the hex and ASCII the views hold), an
 * object or array a header and 8 bytes a slot plus what the slots point at.
 */
export function heapBytes(v: unknown): number {
  switch (typeof v) {
    case "string":
      return 16 + v.length;
    case "object": {
      if (v === null) return 0;
      if (Array.isArray(v)) {
        let bytes = 32 + 8 * v.length;
        for (const item of v) bytes += heapBytes(item);
        return bytes;
      }
      let bytes = 40;
      for (const key in v) bytes += 8 + heapBytes((v as Record<string, unknown>)[key]);
      return bytes;
    }
    case "bigint":
      return 24;
    default:
      return 0;
  }
}
