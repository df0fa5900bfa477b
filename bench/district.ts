// bench:district: a whole district on one machine, built from nothing on a fresh `imi up` data
// directory (docs/scale.md). The node runs as its own process (`imi up`), so its peak RSS (/proc
// VmHWM) is the node's alone; the citizens go in through the real `imi registrar import` (bulk
// path), in steps, so that consent-checked accesses are measured at each size the issue names.
// Figures only, no assertions; every figure says the scale it comes from.
//
//   npm run bench:district -- [--quick] [--json] [--citizens N] [--batch 100] [--in-flight 4]
//     [--hashes N] [--credit-batch 65536] [--consents N] [--consent-in-flight 8]
//     [--access-seconds 5] [--access-windows 3] [--out figures.json] [--keep] [--store-open-files N]
//
// --quick: 100,000 citizens (steps 1,000 / 100,000), 1,000,000 credit hashes, 10,000 consents.
// Full: 1,230,000 citizens (steps 1,000 / 100,000 / 1,230,000), 17,000,000 hashes, 1,000,000
// consents. --hashes 0 or --consents 0 leaves a stage out. The machine's load average is printed
// with the figures: the cores are shared. Accesses at each size are measured in several windows
// (the figure is their median, each window is listed). --out writes the figures so far to a file
// after every stage, so a run stopped part-way still leaves what it measured. --keep leaves the
// district's data directory in place (its path is printed) for `imi up --data-dir` and
// bench:restart to be pointed at afterwards; it is removed otherwise. --store-open-files sets the
// node's storage.maxOpenFiles (default 74) to weigh memory against reads (docs/scale.md).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { grantRole } from "../cli/commands/roles/grant.js";
import { openKeyRing } from "../node/runtime/keys.js";
import { runCreditStage } from "./districtCredits.js";
import { cpuMs, keyedCitizen, runConsentStage } from "./districtConsents.js";
import { freePort } from "../test/helpers/hardhatNode.js";
import { STORE_MAX_OPEN_FILES } from "../node/storage/levelOptions.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    citizens: { type: "string" },
    batch: { type: "string", default: "100" },
    "in-flight": { type: "string", default: "4" },
    "access-seconds": { type: "string", default: "5" },
    "access-windows": { type: "string", default: "3" },
    out: { type: "string" },
    keep: { type: "boolean", default: false },
    "store-open-files": { type: "string" },
    hashes: { type: "string" },
    "credit-batch": { type: "string", default: String(2 ** 16) },
    "credit-in-flight": { type: "string", default: "4" },
    consents: { type: "string" },
    "consent-in-flight": { type: "string", default: "8" },
    "consent-chunk": { type: "string", default: "10000" },
  },
});
const FULL = 1_230_000;
const QUICK = 100_000;
const target = values.citizens ? Number(values.citizens) : values.quick ? QUICK : FULL;
const scale = values.citizens ? `${target.toLocaleString("en")} (--citizens)` : values.quick ? "quick (100,000)" : "full (1,230,000)";
const hashCount = values.hashes !== undefined ? Number(values.hashes) : values.quick || values.citizens ? 1_000_000 : 17_000_000;
const hashScale = values.hashes !== undefined ? `${hashCount.toLocaleString("en")} (--hashes)` : values.quick || values.citizens ? "quick (1,000,000)" : "full (17,000,000)";
const consentCount = values.consents !== undefined ? Number(values.consents) : values.quick || values.citizens ? 10_000 : 1_000_000;
const consentScale = values.consents !== undefined ? `${consentCount.toLocaleString("en")} (--consents)` : values.quick || values.citizens ? "quick (10,000)" : "full (1,000,000)";
// Citizens whose keys the consent stage signs with: rows 1..K of the district (row 0 is the
// access path's citizen, whose key is in the node's key ring).
const keyedCitizens = Math.min(consentCount, target - 1);
const seed = randomBytes(16);
const steps = [...new Set([1_000, 100_000, target].filter((n) => n <= target))];
const accessSeconds = Number(values["access-seconds"]);
const accessWindows = Math.max(1, Number(values["access-windows"]));
const storeOpenFiles = values["store-open-files"] === undefined ? undefined : Number(values["store-open-files"]);
const BIN = fileURLToPath(new URL("../cli/bin/imi.js", import.meta.url));
const log = (line: string) => {
  if (!values.json) console.log(line);
};

type Up = { proc: ChildProcess; gatewayUrl: string; rpcUrl: string; readyMs: number; serving?: Promise<number | undefined>; phasesMs?: Record<string, number> };

/**
 * `imi up` as its own process; resolves once it prints its summary (fully up: services and the
 * log export started too). With a gateway port, `serving` resolves with when /readyz first answered
 * 200 (the node serving: chain, index and stores ready), as bench:restart measures it; undefined if
 * it did not within 5 minutes. With `phases`, the node logs at level info and `phasesMs` is its
 * start's phases (`node.started`: each one's end, ms since the process started).
 */
function up(dataDir: string, gatewayPort = 0, phases = false): Promise<Up> {
  const started = performance.now();
  const serving =
    gatewayPort === 0
      ? undefined
      : (async () => {
          while (performance.now() - started < 300_000) {
            const ok = await fetch(`http://127.0.0.1:${gatewayPort}/readyz`).then((r) => r.status === 200, () => false);
            if (ok) return performance.now() - started;
            await new Promise((r) => setTimeout(r, 20));
          }
          return undefined;
        })();
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, "--json", "up", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", String(gatewayPort), "--log-level", phases ? "info" : "warn"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    let phasesMs: Record<string, number> | undefined;
    let summary: { gatewayUrl: string; rpcUrl: string; readyMs: number } | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      proc.stdout!.off("data", onData);
      proc.stdout!.resume();
      resolve({ proc, gatewayUrl: summary!.gatewayUrl, rpcUrl: summary!.rpcUrl, readyMs: summary!.readyMs, ...(serving ? { serving } : {}), ...(phasesMs ? { phasesMs } : {}) });
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      const lines = out.split("\n");
      out = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith("{")) continue;
        try {
          const parsed = JSON.parse(line) as { ok?: boolean; gatewayUrl: string; rpcUrl: string; event?: string; phasesMs?: Record<string, number> };
          if (parsed.event === "node.started") phasesMs = parsed.phasesMs;
          if (parsed.ok && !summary) {
            summary = { gatewayUrl: parsed.gatewayUrl, rpcUrl: parsed.rpcUrl, readyMs: performance.now() - started };
            // The log is written asynchronously: `node.started` may come after the summary.
            if (phases && !phasesMs) setTimeout(finish, 5_000).unref();
          }
        } catch {
          // not JSON
        }
      }
      if (summary && (!phases || phasesMs)) finish();
    };
    proc.stdout!.on("data", onData);
    proc.on("exit", (code) => reject(new Error(`imi up exited ${code}`)));
  });
}

async function stop(proc: ChildProcess): Promise<void> {
  // A node that died under a stage has nothing left to stop (and would never signal an exit again).
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.removeAllListeners("exit");
  const exited = once(proc, "exit");
  proc.kill("SIGTERM");
  await exited;
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
}

/**
 * The node's peak of private (anonymous) memory, sampled every 250 ms. VmHWM also counts the
 * pages of the database files LevelDB maps, which the kernel takes back when it needs them; the
 * private part is what the node's heap, caches and buffers hold.
 */
function sampleAnonMb(pid: number): { peak: () => number; stop: () => void } {
  let peakKb = 0;
  const read = () =>
    readFile(`/proc/${pid}/status`, "utf8")
      .then((status) => {
        peakKb = Math.max(peakKb, Number(/RssAnon:\s+(\d+) kB/.exec(status)?.[1] ?? 0));
      })
      .catch(() => undefined);
  void read();
  const timer = setInterval(read, 250);
  timer.unref();
  return { peak: () => Math.round(peakKb / 1024), stop: () => clearInterval(timer) };
}

async function du(path: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(path, e.name);
    total += e.isDirectory() ? await du(p) : (await stat(p)).size;
  }
  return total;
}

/** Rows `from`..`to` of the district as CSV, written as a stream (a million lines never sit in memory). */
async function writeCitizens(file: string, from: number, to: number, first?: string): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string) => (out.write(s) ? undefined : once(out, "drain"));
  await write("controller,citizen,name,id_number,birth_date,district,level\n");
  if (first) await write(first);
  for (let i = from; i < to; i++) {
    // Rows 1..K carry a key the consent stage can sign with, and the citizen id it will name.
    const keyed = i >= 1 && i <= keyedCitizens ? keyedCitizen(seed, i - 1) : undefined;
    const controller = keyed ? keyed.account.address : `0x${randomBytes(20).toString("hex")}`;
    await write(`${controller},${keyed?.citizen ?? ""},Citizen ${i},ID${String(i).padStart(12, "0")},19${(i % 90) + 10}-0${(i % 9) + 1}-1${i % 9},Haidian,2\n`);
  }
  out.end();
  await once(out, "finish");
}

function runImport(csv: string, dataDir: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "--json", "registrar", "import", csv, "--key", "registrar", "--data-dir", dataDir, "--no-progress", "--counts-only", "--batch", values.batch!, "--in-flight", values["in-flight"]!], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", () => resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>));
  });
}

const scratch = await mkdtemp(join(tmpdir(), "imi-bench-district-"));
const dataDir = join(scratch, "node");
const figures: Record<string, unknown> = { scale, citizens: target, hashes_scale: hashScale, consents_scale: consentScale, batch: Number(values.batch), in_flight: Number(values["in-flight"]), store_max_open_files: storeOpenFiles ?? STORE_MAX_OPEN_FILES, load_before: loadavg().map((l) => Number(l.toFixed(2))) };
let node: Up | undefined;
/** The figures so far, to --out: a run stopped part-way still leaves what it measured. */
const checkpoint = async (stage: string) => {
  if (values.out) await writeFile(values.out, `${JSON.stringify({ ...figures, last_stage: stage, at: new Date().toISOString() }, null, 2)}\n`);
};
try {
  log(`bench:district — ${scale}; stores keep ${figures.store_max_open_files} files open; load ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${(await readFile("/proc/cpuinfo", "utf8")).match(/^processor/gm)?.length ?? "?"} cores`);
  // The consent stage relays every grant from this one address, where a district's citizens each
  // come from their own: the per-caller limit (gateway.rateLimitPerMinute, 1,200) would pace it.
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, "imi.json"), `${JSON.stringify({ gateway: { rateLimitPerMinute: 10_000_000 }, ...(storeOpenFiles ? { storage: { maxOpenFiles: storeOpenFiles } } : {}) })}\n`);
  node = await up(dataDir);
  const first = node.proc;
  first.on("exit", (code, signal) => {
    if (node?.proc === first) console.error(`bench:district: the node exited (${code ?? signal}) during the run`);
  });
  figures.first_start_ms = Math.round(node.readyMs);
  const anon = sampleAnonMb(first.pid!);
  const ring = await openKeyRing(dataDir);
  await grantRole({ dataDir, role: "registrar", account: await ring.address("registrar") });

  // One citizen whose key is in the node's key ring, one agency, one consent: the access path at every size.
  const { createKeys } = await import("../cli/commands/keys/create.js");
  const citizenKey = (await createKeys({ dataDir, name: "bench-citizen" })).address;
  const agencyKey = (await createKeys({ dataDir, name: "bench-agency" })).address;
  await grantRole({ dataDir, role: "agency", account: agencyKey });
  // An agency receives only what it registered for a purpose (AgencyRegistry).
  const { registerAgency } = await import("../cli/commands/agency/register.js");
  await registerAgency({
    dataDir,
    account: agencyKey,
    registration: { name: { "zh-CN": "住房保障局", en: "Housing Bureau" }, contact: "housing@district.example", legalBasis: { "zh-CN": "住房保障条例", en: "Housing Benefit Regulation" }, purposes: [{ id: "housing-benefit", categories: ["address"], name: { "zh-CN": "住房补贴", en: "Housing benefit" } }] },
  } as never);

  const onboarding: Array<Record<string, unknown>> = [];
  const accesses: Array<Record<string, unknown>> = [];
  let registeredSoFar = 0;
  let consent: BenchConsent | undefined;
  for (const size of steps) {
    const csv = join(scratch, `citizens-${size}.csv`);
    const first = registeredSoFar === 0 ? `${citizenKey},,Bench Citizen,ID0,1980-01-01,Haidian,2\n` : undefined;
    await writeCitizens(csv, registeredSoFar + (first ? 1 : 0), size, first);
    log(`onboarding citizens ${registeredSoFar.toLocaleString("en")} → ${size.toLocaleString("en")} ...`);
    const t = performance.now();
    const out = await runImport(csv, dataDir);
    const seconds = (performance.now() - t) / 1000;
    const counts = out.counts as { registered: number; rejected: number } | undefined;
    // The import's own clock starts after the CLI has loaded; the difference is process start-up.
    const cliStart = typeof out.seconds === "number" ? Number((seconds - out.seconds).toFixed(1)) : undefined;
    onboarding.push({ from: registeredSoFar, to: size, seconds: Number(seconds.toFixed(1)), citizens_per_s: Math.round((size - registeredSoFar) / seconds), registered: counts?.registered, rejected: counts?.rejected, batches: out.batches, import_s: out.seconds, cli_start_s: cliStart, stages_s: out.stages, load: loadavg().map((l) => Number(l.toFixed(2))), error: out.error });
    await rm(csv, { force: true });
    log(`  ${JSON.stringify(onboarding.at(-1))}`);
    registeredSoFar = size;
    if (!out.ok && (counts?.registered ?? 0) === 0) throw new Error(`import failed: ${JSON.stringify(out.error)}`);

    // Accesses at this size: one agency session, one consent, autocannon on /v1/access/data.
    consent ??= await grantBenchConsent(node, "bench-agency", agencyKey);
    accesses.push({ citizens: size, ...(await measureAccess(node, consent, accessSeconds, accessWindows)) });
    log(`  accesses at ${size.toLocaleString("en")}: ${JSON.stringify(accesses.at(-1))}`);
    figures.onboarding = onboarding;
    figures.accesses = accesses;
    await checkpoint(`onboarding ${size}`);
  }
  figures.onboarding = onboarding;
  const onboardSeconds = onboarding.reduce((s, o) => s + (o.seconds as number), 0);
  figures.onboarding_total_s = Number(onboardSeconds.toFixed(1));
  figures.onboarding_citizens_per_s = Math.round(target / onboardSeconds);
  figures.accesses = accesses;

  // Credit records: hashes anchored as Merkle batches by an issuer trusted for their schema.
  if (hashCount > 0) {
    const { connect, loadKey } = await import("../cli/internal/connect.js");
    const { registerSchema } = await import("../cli/commands/issuer/schema.js");
    const issuer = (await createKeys({ dataDir, name: "bench-issuer" })).address;
    await grantRole({ dataDir, role: "issuer", account: issuer });
    const { schemaId } = await registerSchema({ dataDir, name: "credit-record", version: "1", trust: [issuer] } as never);
    const account = await loadKey({ dataDir, key: "bench-issuer" });
    const client = (await connect({ dataDir } as never)).client(account);
    log(`credit records: ${hashCount.toLocaleString("en")} hashes in batches of ${Number(values["credit-batch"]).toLocaleString("en")} ...`);
    // A stage that fails is reported with its error; the other figures of the run still count.
    figures.credits = { scale: hashScale, ...(await runCreditStage({ client, issuer: account, schemaId, hashes: hashCount, batchSize: Number(values["credit-batch"]), inFlight: Number(values["credit-in-flight"]) }).catch((error: unknown) => ({ error: String(error) }))) };
    log(`  ${JSON.stringify(figures.credits)}`);
    await checkpoint("credits");
  }

  // Consents granted by signature (the keyed citizens' own keys) and relayed by the gateway.
  if (consentCount > 0 && keyedCitizens > 0) {
    const { connect } = await import("../cli/internal/connect.js");
    const client = (await connect({ dataDir } as never)).client();
    log(`consents: ${consentCount.toLocaleString("en")} grants by ${keyedCitizens.toLocaleString("en")} citizens, ${values["consent-in-flight"]} in flight ...`);
    figures.consents = {
      scale: consentScale,
      citizens: target,
      ...(await runConsentStage({ client, gatewayUrl: node.gatewayUrl, seed, keyedCitizens, consents: consentCount, agency: agencyKey, purpose: "housing-benefit", scopes: "address", inFlight: Number(values["consent-in-flight"]), chunk: Number(values["consent-chunk"]), nodePid: node.proc.pid }).catch((error: unknown) => ({ error: String(error) }))),
    };
    log(`  ${JSON.stringify(figures.consents)}`);
    await checkpoint("consents");
  }

  // Revocation to refusal at the final size.
  const revocation = await revocationToRefusal(node, consent!);
  figures.revocation_to_refusal_ms = revocation.ms;
  figures.revocation = revocation;
  log(`  revocation: ${JSON.stringify(revocation)}`);

  // Footprint.
  const parts = { chain: join(dataDir, "chain"), index: join(dataDir, "gateway", "index"), vault: join(dataDir, "gateway", "vault"), log: join(dataDir, "gateway", "accesslog") };
  const disk: Record<string, number> = {};
  for (const [k, p] of Object.entries(parts)) disk[`${k}_bytes_per_citizen`] = Math.round((await du(p)) / target);
  disk.total_bytes = await du(dataDir);
  figures.disk = disk;
  figures.peak_rss_mb = await peakRssMb(node.proc.pid!);
  anon.stop();
  figures.peak_private_mb = anon.peak();
  await checkpoint("footprint");

  // Restart to serving, at this size.
  await stop(node.proc);
  node = undefined;
  const again = await up(dataDir, await freePort(), true);
  node = again;
  const servingMs = await again.serving;
  figures.restart_to_serving_ms = servingMs === undefined ? null : Math.round(servingMs);
  figures.restart_fully_up_ms = Math.round(again.readyMs);
  figures.restart_phases_ms = again.phasesMs ?? null;
  figures.peak_rss_after_restart_mb = await peakRssMb(again.proc.pid!);
  figures.load_after = loadavg().map((l) => Number(l.toFixed(2)));
  await checkpoint("restart");
} finally {
  if (node) await stop(node.proc);
  if (values.keep) console.error(`the district's data directory is kept: ${dataDir}`);
  else await rm(scratch, { recursive: true, force: true });
}

if (values.json) console.log(JSON.stringify(figures));
else {
  console.log("");
  console.log(`scale: ${scale}; load before ${(figures.load_before as number[]).join(" ")}, after ${(figures.load_after as number[] | undefined)?.join(" ")}`);
  for (const o of figures.onboarding as Array<Record<string, unknown>>)
    console.log(`onboarding ${String(o.from).padStart(9)} → ${String(o.to).padEnd(9)} ${o.citizens_per_s} citizens/s  ${o.seconds} s (CLI start ${o.cli_start_s} s)  batches ${o.batches}  stages ${JSON.stringify(o.stages_s)}  load ${(o.load as number[]).join(" ")}`);
  console.log(`onboarding total         ${figures.onboarding_total_s} s, ${figures.onboarding_citizens_per_s} citizens/s  (target ≥ 2,050/s)`);
  for (const a of figures.accesses as Array<Record<string, unknown>>) console.log(`accesses at ${String(a.citizens).padStart(9)}   ${a.per_s}/s  p99 ${a.p99_ms} ms  (median of ${(a.windows as unknown[]).length} windows of ${accessSeconds} s: ${JSON.stringify(a.windows)}; node CPU ${a.cpu_ms_per_access} ms an access ${JSON.stringify(a.cpu_ms_per_access_windows)}; disk fsync ${JSON.stringify(a.sync_ms_windows)} ms; non-2xx ${a.non_2xx} ${JSON.stringify(a.refusals)}${a.refused ? `, first refused ${a.refused}` : ""})`);
  const rv = figures.revocation as Awaited<ReturnType<typeof revocationToRefusal>>;
  console.log(`revocation → refusal     ${rv.ms === null ? "no refusal within 60 s" : `${rv.ms} ms`} from the relay's acknowledgement (${"accesses" in rv ? rv.accesses : "no"} accesses; answered before the refusal ${JSON.stringify(rv.answered_before)}); the revocation request itself ${rv.request_ms} ms`);
  console.log(`disk per citizen (bytes) ${JSON.stringify(figures.disk)}`);
  console.log(`node peak RSS            ${figures.peak_rss_mb} MB  (target ≤ 1,024); private memory ${figures.peak_private_mb} MB at most (the rest is mapped database files)`);
  console.log(`restart to serving       ${figures.restart_to_serving_ms} ms to /readyz 200  (target < 2,000); fully up (its summary) ${figures.restart_fully_up_ms} ms; first start ${figures.first_start_ms} ms`);
  if (figures.restart_phases_ms) console.log(`restart phases           ${Object.entries(figures.restart_phases_ms as Record<string, number>).map(([k, v]) => `${k} ${v}`).join(", ")} (each one's end, ms since the process started)`);
  const cr = figures.credits as Record<string, unknown> | undefined;
  if (cr?.error) console.log(`credit hashes            failed: ${cr.error}  [${cr.scale}]`);
  else if (cr) console.log(`credit hashes            ${cr.hashes_per_s} hashes/s, ${cr.hashes} in ${cr.seconds} s, ${cr.transactions} transactions of ${cr.batch_size} (trees ${cr.tree_s} s, chain wait ${cr.chain_wait_s} s, ${cr.gas_per_batch} gas each), sampled proofs valid ${JSON.stringify(cr.checked)}  [${cr.scale}]`);
  const co = figures.consents as Record<string, unknown> | undefined;
  if (co?.error) console.log(`consents by signature    failed: ${co.error}  [${co.scale}]`);
  else if (co) console.log(`consents by signature    ${co.grants_per_s} grants/s relayed, ${co.granted} of ${co.consents} in ${co.relay_seconds} s, p50 ${co.p50_ms} ms p99 ${co.p99_ms} ms, ${co.in_flight} in flight, refused ${JSON.stringify(co.refused)}, sent again ${JSON.stringify(co.retries)}, landed despite a "not now" ${JSON.stringify(co.late_answers)}; signed ${co.signing} at ${co.signatures_per_s}/s  [${co.scale}]`);
}

/** The bench citizen grants the agency a consent by signature, relayed by the gateway (as `imi consent grant`). */
async function grantBenchConsent(n: Up, agencyName: string, agency: string) {
  const { grantConsent } = await import("../cli/commands/consent/grant.js");
  const { loadKey } = await import("../cli/internal/connect.js");
  const { staffLogin } = await import("../cli/internal/gateway.js");
  const grant = await grantConsent({ dataDir, key: "bench-citizen", agency, scopes: "address", purpose: "housing-benefit", yes: true } as never);
  const agencyAccount = await loadKey({ dataDir, key: agencyName });
  return {
    grantId: grant.consentId as string,
    citizen: grant.citizen as string,
    // A session lasts at most gateway.maxSessionSeconds (15 minutes), and a step or a stage can
    // take longer: each measurement logs in afresh. (A token kept from the first step had expired
    // by the revocation in a --quick run, so every access after it was refused 401 and the bench
    // printed −1 ms.)
    login: () => staffLogin(n.gatewayUrl, 0, agencyAccount),
    body: JSON.stringify({ citizen: grant.citizen, scopes: grant.scopes, purpose: grant.purpose, grantId: grant.consentId }),
  };
}
type BenchConsent = Awaited<ReturnType<typeof grantBenchConsent>>;

/**
 * Consent-checked accesses at the district's present size: autocannon, 20 connections, on
 * /v1/access/data. One warm-up second, then `windows` windows of `seconds` each; the figure is the
 * median window (by accesses/s) with its latencies, and every window is listed, so that two sizes
 * are compared on more than one reading each.
 */
async function measureAccess(n: Up, c: BenchConsent, seconds: number, windows: number) {
  const token = await c.login();
  const prefix = randomBytes(16).toString("hex");
  let counter = 0;
  const headers = () => ({ "content-type": "application/json", authorization: `Bearer ${token}`, "x-imi-nonce": `0x${prefix}${(++counter).toString(16).padStart(32, "0")}`, "x-imi-issued-at": String(Math.floor(Date.now() / 1000)) });
  // Every refusal's code is counted: a count of non-2xx alone once hid why a whole run was refused.
  const refusals: Record<string, number> = {};
  const onResponse = (status: number, body: string) => {
    if (status < 300) return;
    let code = `HTTP_${status}`;
    try {
      code = `${status} ${(JSON.parse(body) as { code?: string }).code ?? "?"}`;
    } catch {
      // not JSON
    }
    refusals[code] = (refusals[code] ?? 0) + 1;
  };
  const run = (duration: number) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      autocannon({ url: `${n.gatewayUrl}/v1/access/data`, connections: 20, duration, requests: [{ method: "POST", body: c.body, setupRequest: (r) => ({ ...r, headers: headers() }), onResponse }] }, (err, res) => (err ? reject(err) : resolve(res)));
    });
  // One request first: a refusal here says why (its code), where autocannon only counts it.
  const probe = await fetch(`${n.gatewayUrl}/v1/access/data`, { method: "POST", headers: headers(), body: c.body });
  const probeCode = probe.ok ? undefined : ((await probe.json().catch(() => ({}))) as { code?: string }).code ?? `HTTP_${probe.status}`;
  await run(1);
  for (const k of Object.keys(refusals)) delete refusals[k];
  const readings: Array<{ per_s: number; p50_ms: number; p99_ms: number; non_2xx: number; cpu_ms: number | null; sync_ms: number | null }> = [];
  for (let w = 0; w < windows; w++) {
    const cpuBefore = await cpuMs(n.proc.pid);
    const probe = syncProbe();
    const r = await run(seconds);
    const syncMs = await probe.stop();
    const cpuAfter = await cpuMs(n.proc.pid);
    const cpu = cpuBefore === undefined || cpuAfter === undefined || r["2xx"] === 0 ? null : Number(((cpuAfter - cpuBefore) / r["2xx"]).toFixed(2));
    readings.push({ per_s: Math.round(r["2xx"] / seconds), p50_ms: r.latency.p50, p99_ms: r.latency.p99, non_2xx: r.non2xx, cpu_ms: cpu, sync_ms: syncMs });
  }
  const median = [...readings].sort((a, b) => a.per_s - b.per_s)[Math.floor((readings.length - 1) / 2)]!;
  const cpus = readings.flatMap((r) => (r.cpu_ms === null ? [] : [r.cpu_ms])).sort((a, b) => a - b);
  return {
    per_s: median.per_s,
    p99_ms: median.p99_ms,
    p50_ms: median.p50_ms,
    windows: readings.map((r) => r.per_s),
    p99s_ms: readings.map((r) => r.p99_ms),
    // The node's CPU per access in each window, and its median: what the district's size could
    // change. Accesses/s also moves with the disk: every access waits for the access log's fsync.
    cpu_ms_per_access: cpus.length ? cpus[Math.floor((cpus.length - 1) / 2)]! : null,
    cpu_ms_per_access_windows: readings.map((r) => r.cpu_ms),
    // The disk's synced 4 kB write in each window (median of probes every 100 ms, beside the node's).
    sync_ms_windows: readings.map((r) => r.sync_ms),
    non_2xx: readings.reduce((s, r) => s + r.non_2xx, 0),
    refusals: { ...refusals },
    ...(probeCode ? { refused: probeCode } : {}),
  };
}

/**
 * The disk's synced-write latency while something else runs: a 4 kB write and fdatasync of a file
 * in the scratch directory every 100 ms; `stop` gives the median in ms (null if none finished).
 */
function syncProbe(): { stop: () => Promise<number | null> } {
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    const fh = await open(join(scratch, "sync-probe"), "w");
    const block = randomBytes(4096);
    try {
      while (running) {
        const t = performance.now();
        await fh.write(block, 0, block.length, 0);
        await fh.datasync();
        times.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await fh.close();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      if (times.length === 0) return null;
      times.sort((a, b) => a - b);
      return Number(times[Math.floor((times.length - 1) / 2)]!.toFixed(1));
    },
  };
}

/**
 * Revocation to refusal. The bench citizen revokes the bench consent by signature, relayed by the
 * gateway (`imi consent revoke`'s path), which answers once the revocation is in a block and in
 * its index. From that answer (the acknowledgement), accesses under the consent are sent one after
 * another until one is refused for it (403 CONSENT_REVOKED); the figure is the time from the
 * acknowledgement to that refusal's answer. The revocation request itself (its start to the
 * acknowledgement, signing included) is reported beside it, and every other answer on the way is
 * counted by status and code: an access allowed after the acknowledgement would be the gateway's
 * fault, not a slow figure. No refusal within 60 s gives `ms: null` with what was answered instead.
 */
async function revocationToRefusal(n: Up, c: BenchConsent) {
  const { changeConsent } = await import("../cli/commands/consent/change.js");
  const token = await c.login();
  const requested = performance.now();
  await changeConsent("revoke", { dataDir, key: "bench-citizen", consentId: c.grantId, yes: true } as never);
  const acknowledged = performance.now();
  const prefix = randomBytes(16).toString("hex");
  const before: Record<string, number> = {};
  for (let i = 0; performance.now() - acknowledged < 60_000; i++) {
    const r = await fetch(`${n.gatewayUrl}/v1/access/data`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-imi-nonce": `0x${prefix}${i.toString(16).padStart(32, "0")}`, "x-imi-issued-at": String(Math.floor(Date.now() / 1000)) }, body: c.body });
    const code = ((await r.json().catch(() => ({}))) as { code?: string }).code ?? "";
    const at = performance.now();
    if (r.status === 403 && code === "CONSENT_REVOKED") return { ms: Math.round(at - acknowledged), request_ms: Math.round(acknowledged - requested), accesses: i + 1, answered_before: before };
    before[`${r.status} ${code}`.trim()] = (before[`${r.status} ${code}`.trim()] ?? 0) + 1;
  }
  return { ms: null, request_ms: Math.round(acknowledged - requested), answered_before: before };
}
