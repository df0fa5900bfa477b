// A view's cache is bounded by entries AND by heap bytes: entries vary in size (a citizen's list of
// consents grows), and a count alone let a view of large entries take what a view of small ones
// would not. Real LevelDB in a temp directory, the indexer's own DiskMap.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Level } from "level";
import { DiskMap, heapBytes } from "../../../node/indexer/internal/DiskMap.js";
import { tempDir } from "./helpers.js";

describe("DiskMap's cache bounds", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let db: Level<string, unknown>;
  beforeAll(async () => {
    dir = await tempDir("diskmap");
    db = new Level<string, unknown>(dir.path, { valueEncoding: "json" });
    await db.open();
  });
  afterAll(async () => {
    await db?.close();
    await dir?.remove();
  });

  /** A citizen's consent ids: 1 to 200 of them, so entries differ in size by two hundred times. */
  const listOf = (i: number) => Array.from({ length: 1 + ((i * 53) % 200) }, (_, j) => `0x${i.toString(16).padStart(8, "0")}${j.toString(16).padStart(56, "0")}`);

  it("never holds more than its entries or its bytes after thousands of writes and reads, and every entry reads back from disk", async () => {
    const entries = 1_000;
    const bytes = 256 * 1024;
    const map = new DiskMap<string[]>(db, "xc", (raw) => raw as string[], entries, bytes);
    const ids = Array.from({ length: 3_000 }, (_, i) => `c${i}`);
    // Written in ranges of 100, as the applier does: the range's batch, then commit.
    for (let from = 0; from < ids.length; from += 100) {
      const ops = ids.slice(from, from + 100).map((id, k) => {
        map.set(id, listOf(from + k));
        return { type: "put" as const, key: `xc:${id}`, value: listOf(from + k) };
      });
      await db.batch(ops);
      map.commit();
      expect(map.cachedBytes).toBeLessThanOrEqual(bytes);
      expect(map.cached).toBeLessThanOrEqual(entries);
    }
    for (let round = 0; round < 3; round++) {
      for (const i of [...ids.keys()].sort(() => Math.random() - 0.5)) {
        expect(map.get(ids[i]!)).toEqual(listOf(i));
        expect(map.cachedBytes).toBeLessThanOrEqual(bytes);
        expect(map.cached).toBeLessThanOrEqual(entries);
      }
    }
    // The byte bound is what held it: 1,000 of these lists would take several times the bound.
    expect(map.cached).toBeLessThan(entries);
    expect(map.cachedBytes).toBeGreaterThan(bytes / 2);
    // Small entries fill the count bound instead.
    const keys = new DiskMap<string>(db, "key", (raw) => raw as string, entries, bytes);
    await db.batch(ids.map((id) => ({ type: "put" as const, key: `key:${id}`, value: `0x${id.padStart(64, "0")}` })));
    for (const id of ids) expect(keys.get(id)).toBe(`0x${id.padStart(64, "0")}`);
    expect(keys.cached).toBe(entries);
    expect(keys.cachedBytes).toBeLessThanOrEqual(bytes);
  });

  it("estimates entries' heap size within what the heap holds for them (not under 80 %, not over twice)", () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const decoded = (i: number) => JSON.parse(JSON.stringify({ citizen: `0x${i.toString(16).padStart(64, "0")}`, controller: `0x${i.toString(16).padStart(40, "0")}`, level: 2, active: true, consents: listOf(i).slice(0, i % 5) })) as unknown;
    gc();
    const before = process.memoryUsage().heapUsed;
    const held = Array.from({ length: 20_000 }, (_, i) => decoded(i));
    gc();
    const measured = process.memoryUsage().heapUsed - before;
    const estimated = held.reduce<number>((sum, v) => sum + heapBytes(v), 0);
    expect(estimated).toBeGreaterThanOrEqual(measured * 0.8);
    expect(estimated).toBeLessThanOrEqual(measured * 2);
  });
});
