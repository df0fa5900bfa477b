// bench:index-views: the indexer's views at district sizes, without waiting for a chain to seal
// them. The index is built through the indexer's own LogApplier from IdentityRegistered and
// ConsentGranted logs (one consent per citizen, spread over five agencies), written range by range
// as the indexer writes them; then, for each size, a fresh process opens it (a restart), reads
// random identities, keys and consent-checked decisions, and reports its open time, lookup
// latencies and memory. Flat figures across sizes are the target (docs/scale.md).
//
//   npx tsx bench/indexViews.ts [--sizes 10000,100000,300000] [--lookups 20000] [--json]
//
// What this does not include: the chain (bench:chain, bench:district) and the gateway's HTTP layer
// (bench:district's accesses).
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Interface, zeroPadValue, toBeHex } from "ethers";
import { Level } from "level";
import { consentRegistryAbi, identityRegistryAbi, imiAccessManagerAbi, IMI_ROLES } from "@imi-ledger/sdk";
import { openIndexer } from "../node/indexer/index.js";
import { LogApplier, type RpcLog } from "../node/indexer/internal/applyLogs.js";
import { ViewState, type LevelOp } from "../node/indexer/internal/ViewState.js";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000,300000" },
    lookups: { type: "string", default: "20000" },
    json: { type: "boolean", default: false },
    measure: { type: "string" },
    dir: { type: "string" },
  },
});

const CONTRACTS = { identityRegistry: "0x" + "11".repeat(20), consentRegistry: "0x" + "22".repeat(20), credentialRegistry: "0x" + "33".repeat(20), accessManager: "0x" + "44".repeat(20) };
const AGENCIES = Array.from({ length: 5 }, (_, i) => "0x" + String(i + 1).repeat(40).slice(0, 40));
const PURPOSE = zeroPadValue("0x0b", 32);
const word = (n: number, tag: number) => zeroPadValue(toBeHex((BigInt(tag) << 160n) + BigInt(n)), 32);
const citizenOf = (i: number) => word(i, 1);
const keyOf = (i: number) => "0x" + (BigInt(0xc0) * 2n ** 152n + BigInt(i)).toString(16).padStart(40, "0");
const consentOf = (i: number) => word(i, 2);
const agencyOf = (i: number) => AGENCIES[i % AGENCIES.length]!;

if (values.measure) {
  // A fresh process: its memory is the reopened index's alone.
  const size = Number(values.measure);
  const lookups = Number(values.lookups);
  const t0 = performance.now();
  const indexer = await openIndexer({ dir: values.dir!, rpc: { kind: "transport", request: () => Promise.reject(new Error("no chain in this bench")) }, contracts: CONTRACTS, pollIntervalMs: 0 });
  const openMs = performance.now() - t0;
  const now = BigInt(Math.floor(Date.now() / 1000));
  const lat = (fn: (i: number) => unknown) => {
    const times: number[] = [];
    for (let n = 0; n < lookups; n++) {
      const i = Math.floor(Math.random() * size);
      const t = performance.now();
      if (!fn(i)) throw new Error(`lookup ${i} found nothing`);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { p50_us: Math.round(times[Math.floor(times.length * 0.5)]! * 1000), p99_us: Math.round(times[Math.floor(times.length * 0.99)]! * 1000), per_s: Math.round(lookups / (times.reduce((s, x) => s + x, 0) / 1000)) };
  };
  const identity = lat((i) => indexer.identity(citizenOf(i)) && indexer.identityOfKey(keyOf(i)));
  const access = lat((i) => {
    const d = indexer.checkAccess(consentOf(i), agencyOf(i), citizenOf(i), 1n, PURPOSE, now).decision;
    if (d !== 0) throw new Error(`access ${i} refused: decision ${d}`);
    return true;
  });
  const page = await indexer.consentsOfAgencyPage(AGENCIES[0]!, 100);
  global.gc?.();
  const mem = process.memoryUsage();
  console.log(JSON.stringify({ size, open_ms: Math.round(openMs), identity_lookup: identity, access_check: access, agency_page_100: page.consents.length, heap_mb: Math.round(mem.heapUsed / 2 ** 20), rss_mb: Math.round(mem.rss / 2 ** 20), cached_entries: indexer.cachedEntries() }));
  await indexer.close();
  process.exit(0);
}

const sizes = values.sizes!.split(",").map(Number).sort((a, b) => a - b);
const log = (s: string) => !values.json && console.log(s);
const ifaces = { id: new Interface(identityRegistryAbi), consent: new Interface(consentRegistryAbi), am: new Interface(imiAccessManagerAbi) };
const fragments = new Map<string, ReturnType<Interface["getEvent"]>>();
const logOf = (address: string, iface: Interface, event: string, args: unknown[], block: number, logIndex: number): RpcLog => {
  let fragment = fragments.get(event);
  if (!fragment) fragments.set(event, (fragment = iface.getEvent(event)));
  const { data, topics } = iface.encodeEventLog(fragment!, args);
  return { address, data, topics, blockNumber: toBeHex(block), logIndex: toBeHex(logIndex) };
};

async function du(path: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(path, { withFileTypes: true })) total += e.isDirectory() ? await du(join(path, e.name)) : (await stat(join(path, e.name))).size;
  return total;
}

const scratch = await mkdtemp(join(tmpdir(), "imi-bench-views-"));
const dir = join(scratch, "index");
const results: Array<Record<string, unknown>> = [];
const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
log(`bench:index-views — sizes ${sizes.join(", ")}; load ${loadBefore.join(" ")}`);
try {
  const db = new Level<string, unknown>(dir, { valueEncoding: "json" });
  await db.open();
  await db.put("m:format", 2);
  const state = new ViewState(db, 50_000);
  const applier = new LogApplier(state, CONTRACTS);
  let block = 1;
  let built = 0;
  // The agencies hold their role from block 1 (since 0: at once, no delay).
  {
    const ops: LevelOp[] = [];
    AGENCIES.forEach((a, i) => applier.apply(logOf(CONTRACTS.accessManager, ifaces.am, "RoleGranted", [IMI_ROLES.agency, a, 0, 1, true], block, i), ops));
    await db.batch(ops as never);
    state.commit();
  }
  for (const size of sizes) {
    const t = performance.now();
    // Ranges of 10,000 citizens (a consent each), 100 citizens a block: as the indexer's catch-up writes them.
    while (built < size) {
      const ops: LevelOp[] = [];
      const end = Math.min(size, built + 10_000);
      for (let i = built; i < end; i++) {
        if (i % 100 === 0) block++;
        const at = (i % 100) * 2;
        applier.apply(logOf(CONTRACTS.identityRegistry, ifaces.id, "IdentityRegistered", [citizenOf(i), keyOf(i), CONTRACTS.identityRegistry, word(i, 3), 2], block, at), ops);
        applier.apply(logOf(CONTRACTS.consentRegistry, ifaces.consent, "ConsentGranted", [consentOf(i), citizenOf(i), agencyOf(i), 1, PURPOSE, 0, 2n ** 40n, 0, keyOf(i), false], block, at + 1), ops);
      }
      state.finishRange(ops);
      ops.push({ type: "put", key: "m:block", value: block }, { type: "put", key: "m:hash", value: word(block, 9) }, { type: "put", key: "m:time", value: 0 });
      await db.batch(ops as never);
      state.commit();
      built = end;
    }
    const buildS = (performance.now() - t) / 1000;
    await db.close();
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "--measure", String(size), "--dir", dir, "--lookups", values.lookups!], { stdio: ["ignore", "pipe", "inherit"] });
      let s = "";
      child.stdout.on("data", (d: Buffer) => (s += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(s) : reject(new Error(`measure exited ${code}`))));
    });
    const m = JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, unknown>;
    const r: Record<string, unknown> = { ...m, build_logs_per_s: Math.round((2 * (size - (results.at(-1)?.size as number | undefined ?? 0))) / buildS), disk_bytes_per_citizen: Math.round((await du(dir)) / size), load: loadavg().map((l) => Number(l.toFixed(2))) };
    results.push(r);
    const id = r.identity_lookup as Record<string, number>;
    const ac = r.access_check as Record<string, number>;
    log(`${String(size).padStart(9)} citizens: reopen ${r.open_ms} ms · identity+key p50 ${id.p50_us} µs p99 ${id.p99_us} µs · access check p50 ${ac.p50_us} µs p99 ${ac.p99_us} µs (${ac.per_s}/s) · heap ${r.heap_mb} MB rss ${r.rss_mb} MB · disk ${r.disk_bytes_per_citizen} B/citizen · built ${r.build_logs_per_s} logs/s · load ${(r.load as number[]).join(" ")}`);
    await db.open();
  }
  await db.close();
} finally {
  await rm(scratch, { recursive: true, force: true });
}
if (values.json) console.log(JSON.stringify({ load_before: loadBefore, sizes: results }));
