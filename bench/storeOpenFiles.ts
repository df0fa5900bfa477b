// bench:store-open-files: what the node's bound on LevelDB's open table files (storage.maxOpenFiles,
// node/storage/levelOptions.ts) costs random reads of a store larger than its table cache, and
// what it saves in mapped memory, side by side with LevelDB's default of 1,000 in the same run.
// Random reads are what the chain's state trie does (its nodes are keyed by hash).
//
//   npm run bench:store-open-files -- [--dir <a LevelDB store>] [--keys 1500000] [--gets 60000]
//     [--open-files 74,256,1000] [--rounds 3] [--json]
//
// --dir reads an existing store, such as a kept district's chain (`bench:district --keep`, then
// <data dir>/chain/chaindata); LevelDB writes to a store it opens, so give it a copy. Without --dir
// a store of --keys random 32-byte keys with 240-byte values (about what the chain's trie nodes
// weigh) is written to a temporary directory first. Each round opens the store once per setting,
// reads a tenth of the sampled keys to warm it, then all of them in random order, one at a time.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Level } from "level";
import { STORE_MAX_OPEN_FILES } from "../node/storage/levelOptions.js";

const { values } = parseArgs({
  options: {
    dir: { type: "string" },
    keys: { type: "string", default: "1500000" },
    gets: { type: "string", default: "60000" },
    "open-files": { type: "string", default: `${STORE_MAX_OPEN_FILES},256,1000` },
    rounds: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
  },
});
const settings = values["open-files"]!.split(",").map(Number);
const REFERENCE = 1000; // LevelDB's default
if (!settings.includes(REFERENCE)) settings.push(REFERENCE);
const log = (line: string) => {
  if (!values.json) console.log(line);
};
const type = { keyEncoding: "view", valueEncoding: "view" } as const;

/** Table files of `dir` mapped into this process, and their resident pages (MB). */
async function mapped(dir: string): Promise<{ tables: number; resident_mb: number }> {
  const tables = new Set<string>();
  let kb = 0;
  let inTable = false;
  for (const line of (await readFile("/proc/self/smaps", "utf8")).split("\n")) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      const path = line.slice(line.indexOf("/"));
      inTable = line.includes(dir) && path.endsWith(".ldb");
      if (inTable) tables.add(path);
    } else if (inTable && line.startsWith("Rss:")) kb += Number(line.split(/\s+/)[1]);
  }
  return { tables: tables.size, resident_mb: Math.round(kb / 1024) };
}

const scratch = values.dir ? undefined : await mkdtemp(join(tmpdir(), "imi-bench-open-files-"));
const dir = values.dir ?? join(scratch!, "store");
try {
  log(`bench:store-open-files — load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  if (!values.dir) {
    const keys = Number(values.keys);
    const started = performance.now();
    const db = new Level<Uint8Array, Uint8Array>(dir, type);
    for (let i = 0; i < keys; i += 1000) {
      const n = Math.min(1000, keys - i);
      await db.batch(Array.from({ length: n }, () => ({ type: "put" as const, key: randomBytes(32), value: randomBytes(240) })));
      if (i % 250_000 === 0 && i > 0) log(`  writing the store: ${i.toLocaleString("en")} of ${keys.toLocaleString("en")} keys`);
    }
    await db.close();
    log(`  wrote ${keys.toLocaleString("en")} random keys in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  // Sample the keys to read: every k-th in key order, then shuffled.
  const sampled: Uint8Array[] = [];
  let total = 0;
  {
    const db = new Level<Uint8Array, Uint8Array>(dir, { ...type, createIfMissing: false });
    for await (const _ of db.keys()) total++;
    const every = Math.max(1, Math.floor(total / Number(values.gets)));
    let i = 0;
    for await (const key of db.keys()) if (i++ % every === 0) sampled.push(key);
    await db.close();
  }
  for (let i = sampled.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [sampled[i], sampled[j]] = [sampled[j]!, sampled[i]!];
  }
  const tables = (await readdir(dir)).filter((f) => f.endsWith(".ldb")).length;
  log(`  store: ${total.toLocaleString("en")} keys in ${tables} table files; ${sampled.length.toLocaleString("en")} sampled keys read in random order, ${values.rounds} rounds`);

  const readings = new Map<number, Array<{ gets_per_s: number; cpu_us_per_get: number; tables: number; resident_mb: number }>>();
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const maxOpenFiles of settings) {
      const db = new Level<Uint8Array, Uint8Array>(dir, { ...type, createIfMissing: false, maxOpenFiles });
      await db.open();
      for (let i = 0; i < sampled.length / 10; i++) await db.get(sampled[i]!);
      const cpu = process.cpuUsage();
      const started = performance.now();
      let found = 0;
      for (const key of sampled) if ((await db.get(key)) !== undefined) found++;
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const map = await mapped(dir);
      await db.close();
      if (found !== sampled.length) throw new Error(`${sampled.length - found} sampled keys not found`);
      const reading = { gets_per_s: Math.round(sampled.length / (ms / 1000)), cpu_us_per_get: Number(((used.user + used.system) / sampled.length).toFixed(1)), ...map };
      readings.set(maxOpenFiles, [...(readings.get(maxOpenFiles) ?? []), reading]);
      log(`  round ${round + 1}, maxOpenFiles ${maxOpenFiles}: ${reading.gets_per_s} gets/s, ${reading.cpu_us_per_get} µs CPU a get, ${map.tables} tables mapped (${map.resident_mb} MB resident)`);
    }
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const summary = settings.map((maxOpenFiles) => {
    const r = readings.get(maxOpenFiles)!;
    return {
      max_open_files: maxOpenFiles,
      gets_per_s: median(r.map((x) => x.gets_per_s)),
      cpu_us_per_get: median(r.map((x) => x.cpu_us_per_get)),
      mapped_tables: Math.max(...r.map((x) => x.tables)),
      mapped_resident_mb: Math.max(...r.map((x) => x.resident_mb)),
    };
  });
  const reference = summary.find((s) => s.max_open_files === REFERENCE)!;
  const result = {
    store: { keys: total, tables, sampled: sampled.length, given: values.dir !== undefined },
    load: loadavg().map((l) => Number(l.toFixed(2))),
    settings: summary.map((s) => ({ ...s, cpu_vs_default: Number((s.cpu_us_per_get / reference.cpu_us_per_get).toFixed(2)) })),
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`\nmaxOpenFiles   gets/s   CPU µs a get   × LevelDB's default (${REFERENCE})   tables mapped   mapped MB resident   (medians of ${values.rounds} rounds; mapped: the most)`);
    for (const s of result.settings) console.log(`${String(s.max_open_files).padStart(12)} ${String(s.gets_per_s).padStart(8)} ${String(s.cpu_us_per_get).padStart(14)} ${String(s.cpu_vs_default).padStart(30)} ${String(s.mapped_tables).padStart(15)} ${String(s.mapped_resident_mb).padStart(20)}`);
  }
} finally {
  if (scratch) await rm(scratch, { recursive: true, force: true });
}
