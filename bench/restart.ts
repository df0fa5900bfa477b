// bench:restart: `imi up` on a data directory that already holds a node (the contracts deployed,
// the index and the log on disk), timed from the process's spawn until the gateway answers
// /readyz with 200 (every part writable, the chain reachable, the index at the head): restart to
// serving. Beside it, in the same run and alternating with it, the references `node -e 0` (a bare
// Node start) and `imi --version` (the CLI's own start), so a loaded machine moves all three
// alike. Each figure is the median of the rounds, as wall time and as the process's CPU time
// (/proc: user + system) until that point, which a busy machine disturbs less.
//
//   npx tsx bench/restart.ts [--data-dir <dir>] [--rounds 5] [--imi <another checkout's cli/bin/imi.js>]
//     [--baseline <another checkout's cli/bin/imi.js>] [--json]
//
// Without --data-dir a node is first started in a fresh temporary directory (deploying the
// contracts), stopped, and then restarted for the rounds. With --data-dir (for instance a district
// bench:district built) that node is restarted as it is. With --baseline each round also restarts
// the same data directory with that other checkout's `imi` (before/after figures in one run, the
// two alternating) and prints the ratio of the medians. The node's own account of its start (the
// `node.started` log line: each phase's end since the process started) is printed as medians
// where the build logs it.
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort } from "../test/helpers/hardhatNode.js";

const { values } = parseArgs({
  options: {
    "data-dir": { type: "string" },
    rounds: { type: "string", default: "5" },
    json: { type: "boolean", default: false },
    /** Another checkout's cli/bin/imi.js, to measure that code with this bench (before/after figures). */
    imi: { type: "string" },
    /** Another checkout's cli/bin/imi.js, restarted in the same rounds, alternating with this one. */
    baseline: { type: "string" },
  },
});

const IMI = values.imi ?? fileURLToPath(new URL("../cli/bin/imi.js", import.meta.url));
const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** CPU ms a live process has used (utime + stime). */
async function cpuOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

/** CPU ms of this process's reaped children (cutime + cstime): a finished child's whole run. */
async function childrenCpu(): Promise<number> {
  const stat = await readFile("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS;
}

type Figure = { wallMs: number; cpuMs: number };

/** A command that exits by itself: its wall and CPU time. */
async function reference(args: string[]): Promise<Figure> {
  const cpu0 = await childrenCpu();
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited ${code}`))));
  });
  return { wallMs: performance.now() - t0, cpuMs: (await childrenCpu()) - cpu0 };
}

type Restart = Figure & { upMs: number; phasesMs?: Record<string, number> };

/** `imi up` until /readyz answers 200, then stopped (SIGTERM) and waited for. */
async function restart(dataDir: string, timeoutMs: number, imi = IMI): Promise<Restart> {
  const [chainPort, gatewayPort] = [await freePort(), await freePort()];
  const t0 = performance.now();
  // At log level info the node logs its start's phases (node.started); the rest of its lines are passed by.
  const child = spawn(process.execPath, [imi, "up", "--data-dir", dataDir, "--json", "--log-level", "info", "--chain-port", String(chainPort), "--gateway-port", String(gatewayPort)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  let upMs = 0;
  let phasesMs: Record<string, number> | undefined;
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk;
    const lines = out.split("\n");
    out = lines.pop()!;
    for (const line of lines) {
      if (!upMs && line.startsWith('{"ok":true')) upMs = performance.now() - t0;
      else if (!phasesMs && line.includes('"event":"node.started"')) phasesMs = (JSON.parse(line) as { phasesMs?: Record<string, number> }).phasesMs;
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  try {
    for (;;) {
      if (exitCode !== undefined) throw new Error(`imi up exited ${exitCode} before serving:\n${err.slice(-2000)}`);
      if (performance.now() - t0 > timeoutMs) throw new Error(`imi up was not serving after ${timeoutMs} ms`);
      const ok = await fetch(`http://127.0.0.1:${gatewayPort}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const wallMs = performance.now() - t0;
    const cpuMs = await cpuOf(child.pid!);
    // The full start (services, log export, node.json) follows serving; wait for it before stopping.
    while (!upMs && exitCode === undefined) await new Promise((r) => setTimeout(r, 20));
    return { wallMs, cpuMs, upMs, phasesMs };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let dataDir = values["data-dir"];
let temp: string | undefined;
if (!dataDir) {
  temp = await mkdtemp(join(tmpdir(), "imi-bench-restart-"));
  dataDir = join(temp, "node");
  if (!values.json) console.error("first start (deploys the contracts) ...");
  await restart(dataDir, 600_000);
}

const rounds = Number(values.rounds);
const rows = { bare: [] as Figure[], version: [] as Figure[], up: [] as Restart[], baselineVersion: [] as Figure[], baselineUp: [] as Restart[] };
const loads: number[] = [];
try {
  for (let i = 0; i < rounds; i++) {
    loads.push(loadavg()[0]!);
    rows.bare.push(await reference(["-e", "0"]));
    // With a baseline the two builds take turns going first: A B, B A, ...
    const order = values.baseline ? (i % 2 === 0 ? ["this", "baseline"] : ["baseline", "this"]) : ["this"];
    for (const which of order) {
      if (which === "this") {
        rows.version.push(await reference([IMI, "--version"]));
        rows.up.push(await restart(dataDir, 300_000));
      } else {
        rows.baselineVersion.push(await reference([values.baseline!, "--version"]));
        rows.baselineUp.push(await restart(dataDir, 300_000, values.baseline));
      }
    }
    if (!values.json)
      console.error(
        `round ${i + 1}/${rounds}, load ${loads.at(-1)!.toFixed(1)}: restart to serving ${rows.up.at(-1)!.wallMs.toFixed(0)} ms${values.baseline ? ` (baseline ${rows.baselineUp.at(-1)!.wallMs.toFixed(0)} ms)` : ""}`,
      );
  }
} finally {
  if (temp) await rm(temp, { recursive: true, force: true });
}

const summary = (xs: Figure[]) => ({ wallMs: Math.round(median(xs.map((x) => x.wallMs))), cpuMs: Math.round(median(xs.map((x) => x.cpuMs))) });
/** Each phase's median end (ms since the process started), over the rounds that logged it. */
function phaseMedians(xs: Restart[]): Record<string, number> | undefined {
  const logged = xs.flatMap((x) => (x.phasesMs ? [x.phasesMs] : []));
  if (logged.length === 0) return undefined;
  return Object.fromEntries(Object.keys(logged[0]!).map((phase) => [phase, Math.round(median(logged.map((p) => p[phase] ?? Number.NaN)))]));
}
const baseline = values.baseline
  ? {
      imi: values.baseline,
      restartToServing: summary(rows.baselineUp),
      restartFullyUpMs: Math.round(median(rows.baselineUp.map((x) => x.upMs))),
      imiVersion: summary(rows.baselineVersion),
      phasesMs: phaseMedians(rows.baselineUp),
    }
  : undefined;
const result = {
  rounds,
  load: loadavg()[0],
  loadDuringRounds: { min: +Math.min(...loads).toFixed(2), max: +Math.max(...loads).toFixed(2) },
  restartToServing: summary(rows.up),
  restartFullyUpMs: Math.round(median(rows.up.map((x) => x.upMs))),
  phasesMs: phaseMedians(rows.up),
  nodeBare: summary(rows.bare),
  imiVersion: summary(rows.version),
  ratio: {
    wallVsVersion: +(median(rows.up.map((x) => x.wallMs)) / median(rows.version.map((x) => x.wallMs))).toFixed(2),
    cpuVsVersion: +(median(rows.up.map((x) => x.cpuMs)) / median(rows.version.map((x) => x.cpuMs))).toFixed(2),
    ...(baseline && {
      wallVsBaseline: +(median(rows.up.map((x) => x.wallMs)) / median(rows.baselineUp.map((x) => x.wallMs))).toFixed(2),
      cpuVsBaseline: +(median(rows.up.map((x) => x.cpuMs)) / median(rows.baselineUp.map((x) => x.cpuMs))).toFixed(2),
    }),
  },
  ...(baseline && { baseline }),
};
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`restart to serving (/readyz 200), median of ${rounds}, load ${result.load.toFixed(1)} (${result.loadDuringRounds.min}–${result.loadDuringRounds.max} at the rounds' starts)`);
  console.log(`                       wall ms   cpu ms`);
  const line = (name: string, f: Figure) => console.log(`${name.padEnd(22)} ${String(f.wallMs).padStart(7)}  ${String(f.cpuMs).padStart(7)}`);
  line("node -e 0", result.nodeBare);
  line("imi --version", result.imiVersion);
  line("imi up to serving", result.restartToServing);
  if (baseline) {
    line("baseline --version", baseline.imiVersion);
    line("baseline up to serving", baseline.restartToServing);
  }
  console.log(`imi up fully up (services, log export): ${result.restartFullyUpMs} ms wall${baseline ? `; baseline ${baseline.restartFullyUpMs} ms` : ""}`);
  if (result.phasesMs) console.log(`phases (end of each, ms since the process started): ${Object.entries(result.phasesMs).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  if (baseline?.phasesMs) console.log(`baseline phases: ${Object.entries(baseline.phasesMs).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  console.log(`restart / imi --version: ${result.ratio.wallVsVersion}x wall, ${result.ratio.cpuVsVersion}x cpu`);
  if (baseline) console.log(`restart / baseline's restart: ${result.ratio.wallVsBaseline}x wall, ${result.ratio.cpuVsBaseline}x cpu`);
}
