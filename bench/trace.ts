// Traceability figures: how fast access records are logged and anchored, how long an access
// waits for its anchored proof, and how fast `audit verify` re-checks a long log.
//
//   npm run bench:trace [-- --json] [-- --records 1000000] [-- --seconds 10]
//
// Everything runs for real: the access log in LevelDB (synced writes) and the anchors on the
// embedded chain started in a temp directory. Reference runs in the same process give ratios:
// group-committed appends vs. one synced LevelDB put per record, and audit verify vs. a bare read
// of the same records.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import { pino } from "pino";
import { JsonRpcProvider, Wallet, hexlify, randomBytes, ZeroHash } from "ethers";
import { startChain } from "../node/chain/index.js";
import { Anchorer, createAnchorTarget, openAccessLog, verifyAccessLog, type AccessRecordInput } from "../node/accesslog/index.js";
import { deployAccessLog } from "../test/node/accesslog/helpers.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const argValue = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RECORDS = argValue("--records", 1_000_000);
const SECONDS = argValue("--seconds", 10);
const CONCURRENCY = 256;
/** Offered load for the latency figure: the gateway's measured full rate (bench:gateway, sessions, 2 cores). */
const RATE = argValue("--rate", 7000);
const say = (line: string) => {
  if (!json) console.log(line);
};
const anchoredCount = (log: { listBatches(): readonly { status: string }[] }) => log.listBatches().filter((b) => b.status === "anchored").length;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Time from each record's acknowledgement (set in `ackAt` by the caller) to its batch being anchored. */
function trackAnchorLatency(anchorer: Anchorer): { ackAt: Map<number, number>; latencies: number[] } {
  const ackAt = new Map<number, number>();
  const latencies: number[] = [];
  anchorer.onAnchored((batch) => {
    const now = performance.now();
    for (let seq = batch.firstSeq; seq <= batch.lastSeq; seq++) {
      const t = ackAt.get(seq);
      if (t !== undefined) {
        latencies.push(now - t);
        ackAt.delete(seq);
      }
    }
  });
  return { ackAt, latencies };
}

const work = await mkdtemp(join(tmpdir(), "imi-bench-trace-"));
const logger = pino({ level: "silent" });
const validator = Wallet.createRandom();
const admin = Wallet.createRandom();
const gatewayKey = Wallet.createRandom();
const bulkKey = Wallet.createRandom();
const steadyKey = Wallet.createRandom();
const chain = await startChain({
  dataDir: join(work, "chain"),
  validatorKey: validator.privateKey,
  port: 0,
  genesis: { validator: validator.address, allowlist: [admin.address, gatewayKey.address, bulkKey.address, steadyKey.address] },
  logger,
});
const provider = new JsonRpcProvider(chain.url, undefined, { cacheTimeout: -1, staticNetwork: true, pollingInterval: 20 });
const { address } = await deployAccessLog(admin.connect(provider), [gatewayKey.address, bulkKey.address, steadyKey.address]);
const gateway = gatewayKey.connect(provider);
const target = createAnchorTarget({ runner: gateway, accessLogAddress: address, gateway: gateway.address });

const template: AccessRecordInput = {
  time: Date.now(),
  agency: "0x" + "ab".repeat(20),
  citizen: hexlify(randomBytes(32)),
  kind: "data",
  scopes: 6n,
  purpose: hexlify(randomBytes(32)),
  grantId: hexlify(randomBytes(32)),
  basis: "consent",
  decision: "allowed",
  reason: "ALLOWED",
  requestHash: hexlify(randomBytes(32)),
  responseHash: ZeroHash,
};

// ---------------------------------------------------------------- 1. sustained logging + anchoring
say(`1. ${SECONDS} s of accesses at full speed (${CONCURRENCY} in flight), anchored on the embedded chain every 1 s or 1,000 records`);
const live = await openAccessLog({ dir: join(work, "live"), gateway: gateway.address });
const anchorer = new Anchorer(live, target, { maxRecords: 1000, intervalMs: 1000 });
const { ackAt, latencies: anchorLatency } = trackAnchorLatency(anchorer);
anchorer.start();
const loadStart = performance.now();
const loadEnd = loadStart + SECONDS * 1000;
let appended = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < loadEnd) {
      const receipt = await live.append({ ...template, time: Date.now() });
      ackAt.set(receipt.seq, performance.now());
      appended++;
    }
  }),
);
const loadSeconds = (performance.now() - loadStart) / 1000;
await anchorer.flush(120_000);
const anchorSeconds = (performance.now() - loadStart) / 1000;
await anchorer.stop();
await live.close();
anchorLatency.sort((a, b) => a - b);
const appendPerS = appended / loadSeconds;
const anchoredPerS = appended / anchorSeconds;

// Reference: one synced LevelDB put per record, the naive way to make each access durable.
const raw = new Level<string, Uint8Array>(join(work, "raw"), { valueEncoding: "view" });
const value = new Uint8Array(480);
let rawPuts = 0;
const rawEnd = performance.now() + 2000;
while (performance.now() < rawEnd) await raw.put(String(rawPuts++), value, { sync: true });
const rawPerS = rawPuts / 2;
await raw.close();
say(`   logged ${appended.toLocaleString("en-US")} accesses: ${Math.round(appendPerS).toLocaleString("en-US")}/s durable ` +
  `(reference: one synced put per record ${Math.round(rawPerS).toLocaleString("en-US")}/s, ratio ${(appendPerS / rawPerS).toFixed(1)}x)`);
say(`   anchored ${Math.round(anchoredPerS).toLocaleString("en-US")} records/s; access -> anchored proof p50 ${Math.round(percentile(anchorLatency, 50))} ms, ` +
  `p99 ${Math.round(percentile(anchorLatency, 99))} ms (target: every access anchored within 2,000 ms)`);

// ---------------------------------------------------------------- 1b. steady load at a gateway's rate
say(`1b. ${SECONDS} s at a steady ${RATE.toLocaleString("en-US")} accesses/s (a gateway's full rate), same anchoring`);
// Each log is one gateway's chain of batches: this phase anchors as a second gateway account.
const steadyGateway = steadyKey.connect(provider);
const steadyTarget = createAnchorTarget({ runner: steadyGateway, accessLogAddress: address, gateway: steadyGateway.address });
const steady = await openAccessLog({ dir: join(work, "steady"), gateway: steadyGateway.address });
const steadyAnchorer = new Anchorer(steady, steadyTarget, { maxRecords: 1000, intervalMs: 1000 });
const { ackAt: steadyAck, latencies: steadyLatency } = trackAnchorLatency(steadyAnchorer);
steadyAnchorer.start();
const steadyStart = performance.now();
const inFlight: Promise<unknown>[] = [];
let offered = 0;
while (performance.now() - steadyStart < SECONDS * 1000) {
  const due = Math.floor(((performance.now() - steadyStart) / 1000) * RATE);
  for (; offered < due; offered++) {
    inFlight.push(steady.append({ ...template, time: Date.now() }).then((r) => steadyAck.set(r.seq, performance.now())));
  }
  await new Promise((r) => setTimeout(r, 5));
}
await Promise.all(inFlight);
await steadyAnchorer.flush(120_000);
await steadyAnchorer.stop();
await steady.close();
steadyLatency.sort((a, b) => a - b);
say(`   ${offered.toLocaleString("en-US")} accesses; access -> anchored proof p50 ${Math.round(percentile(steadyLatency, 50))} ms, p99 ${Math.round(percentile(steadyLatency, 99))} ms (target: within 2,000 ms)`);

// ---------------------------------------------------------------- 2. audit verify over a long log
say(`2. audit verify over ${RECORDS.toLocaleString("en-US")} records`);
const bulk = bulkKey.connect(provider);
const bulkTarget = createAnchorTarget({ runner: bulk, accessLogAddress: address, gateway: bulk.address });
const bigDir = join(work, "big");
const big = await openAccessLog({ dir: bigDir, gateway: bulk.address });
let queued = 0;
const fillStart = performance.now();
await Promise.all(
  Array.from({ length: 1024 }, async () => {
    while (queued < RECORDS) {
      queued++;
      await big.append(template);
    }
  }),
);
const fillSeconds = (performance.now() - fillStart) / 1000;
say(`   wrote ${big.lastSeq().toLocaleString("en-US")} records in ${fillSeconds.toFixed(1)} s (${Math.round(big.lastSeq() / fillSeconds).toLocaleString("en-US")}/s); anchoring ${Math.ceil(big.lastSeq() / 1000).toLocaleString("en-US")} batches ...`);
const bulkAnchorer = new Anchorer(big, bulkTarget, { maxRecords: 1000, intervalMs: 20 });
const bulkStart = performance.now();
bulkAnchorer.start();
await bulkAnchorer.flush(30 * 60_000);
await bulkAnchorer.stop();
const bulkSeconds = (performance.now() - bulkStart) / 1000;
say(`   anchored ${anchoredCount(big).toLocaleString("en-US")} batches in ${bulkSeconds.toFixed(1)} s (${Math.round(big.lastSeq() / bulkSeconds).toLocaleString("en-US")} records/s when catching up)`);
await big.close();

const audited = await openAccessLog({ dir: bigDir, gateway: bulk.address });
const anchored = await bulkTarget.anchoredBatches();
const report = await verifyAccessLog(audited, anchored, {
  progressEvery: 250_000,
  onProgress: (n) => say(`   ... ${n.toLocaleString("en-US")} records verified`),
});
// Reference: only reading the same stored records, no hashing.
const readStart = performance.now();
let read = 0;
for await (const entry of audited.rawRecords()) {
  if (entry[1].length > 0) read++;
}
const readPerS = read / ((performance.now() - readStart) / 1000);
await audited.close();
say(`   verified ${report.recordsChecked.toLocaleString("en-US")} records in ${report.batchesChecked.toLocaleString("en-US")} batches: ` +
  `${report.recordsPerSecond.toLocaleString("en-US")} records/s, ok=${report.ok} ` +
  `(reference: bare read ${Math.round(readPerS).toLocaleString("en-US")} records/s, ratio ${(report.recordsPerSecond / readPerS).toFixed(2)}; target >= 100,000/s)`);

provider.destroy();
await chain.close();
await rm(work, { recursive: true, force: true });

const result = {
  records_logged_per_s: Math.round(appendPerS),
  reference_synced_put_per_s: Math.round(rawPerS),
  anchored_records_per_s: Math.round(anchoredPerS),
  offered_rate_per_s: RATE,
  anchor_p50_ms: Math.round(percentile(steadyLatency, 50)),
  anchor_p99_ms: Math.round(percentile(steadyLatency, 99)),
  saturated_anchor_p50_ms: Math.round(percentile(anchorLatency, 50)),
  saturated_anchor_p99_ms: Math.round(percentile(anchorLatency, 99)),
  audit_verify_records: report.recordsChecked,
  audit_verify_records_per_s: report.recordsPerSecond,
  reference_read_records_per_s: Math.round(readPerS),
  audit_ok: report.ok,
};
if (json) console.log(JSON.stringify(result));
process.exit(report.ok ? 0 : 1);
