// The node's stores bound how many LevelDB table files they keep open, and so mapped into the
// process: the district's chain took the node's peak RSS to 1,796 MB with LevelDB's default of
// 1,000, most of it mapped tables (docs/scale.md). The tables here are made small (64 KiB instead
// of 2 MiB) so that a few hundred of them take seconds to write; the bound is the same count.
// LevelDB writes a memtable whose keys overlap nothing below straight to level 2, so ascending
// keys give one small table per 64 KiB write buffer and no compaction merges them.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import { describe, expect, it } from "vitest";
import { setStoreMaxOpenFiles, STORE_MAX_OPEN_FILES, storeOptions } from "../../../node/storage/levelOptions.js";

const SMALL_TABLES = { valueEncoding: "view" as const, maxFileSize: 64 * 1024, writeBufferSize: 64 * 1024, compression: false };

/** Table files of `dir` mapped into this process now. */
async function mappedTables(dir: string): Promise<number> {
  const maps = await readFile("/proc/self/maps", "utf8");
  return new Set(maps.split("\n").filter((line) => line.includes(dir) && line.endsWith(".ldb")).map((line) => line.slice(line.indexOf("/")))).size;
}

/** Writes about 300 tables' worth of keys into a store opened with `options`, reads every key back, and counts its mapped tables. */
async function fillAndRead(options: object): Promise<{ tables: number; mapped: number; readBack: number }> {
  const dir = await mkdtemp(join(tmpdir(), "imi-level-options-"));
  const db = new Level<string, Uint8Array>(dir, options);
  try {
    const keys: string[] = [];
    for (let batch = 0; batch < 600; batch++) {
      const ops = [];
      for (let i = 0; i < 12; i++) {
        const key = `k${String(batch * 12 + i).padStart(6, "0")}`;
        keys.push(key);
        ops.push({ type: "put" as const, key, value: randomBytes(4096) });
      }
      await db.batch(ops);
    }
    let readBack = 0;
    for (let i = 0; i < keys.length; i += 7) if ((await db.get(keys[i]!))?.length === 4096) readBack++;
    const mapped = await mappedTables(dir);
    const tables = (await readdir(dir)).filter((f) => f.endsWith(".ldb")).length;
    return { tables, mapped, readBack };
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe("the node's LevelDB options", () => {
  it("keep at most maxOpenFiles − 10 table files mapped, however many the store holds; storage.maxOpenFiles raises the bound", async () => {
    expect(STORE_MAX_OPEN_FILES).toBe(74);
    const bounded = await fillAndRead(storeOptions(SMALL_TABLES));
    expect(bounded.tables).toBeGreaterThan(200);
    expect(bounded.readBack).toBe(Math.ceil(7200 / 7));
    expect(bounded.mapped).toBeGreaterThan(0);
    expect(bounded.mapped).toBeLessThanOrEqual(STORE_MAX_OPEN_FILES - 10);

    // An operator's storage.maxOpenFiles of 1,000 (LevelDB's own default): the tables stay mapped.
    setStoreMaxOpenFiles(1000);
    try {
      const raised = await fillAndRead(storeOptions(SMALL_TABLES));
      expect(raised.tables).toBeGreaterThan(200);
      expect(raised.readBack).toBe(Math.ceil(7200 / 7));
      expect(raised.mapped).toBeGreaterThan(STORE_MAX_OPEN_FILES - 10);
    } finally {
      setStoreMaxOpenFiles();
    }
    expect(storeOptions({}).maxOpenFiles).toBe(STORE_MAX_OPEN_FILES);
  }, 60_000);

  it("refuses a bound LevelDB would quietly raise", () => {
    expect(() => setStoreMaxOpenFiles(10)).toThrow(RangeError);
    expect(() => setStoreMaxOpenFiles(100.5)).toThrow(RangeError);
    expect(storeOptions({}).maxOpenFiles).toBe(STORE_MAX_OPEN_FILES);
  });
});
