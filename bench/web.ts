// Web app figures: Lighthouse on the citizen's start screen with its mobile profile (a mid-range
// phone on a slow 4G link, simulated), and the JavaScript that screen loads, gzipped, next to the
// targets. Printed, never asserted.
//
//   npm run bench:web [-- --json] [-- --runs 3]
//
// Real pieces: the app built with Vite as `npm start` builds it, a real `imi up` serving it, and
// Debian's Chromium (/usr/bin/chromium, or IMI_CHROMIUM); nothing downloads a browser. With
// several runs the median of each score is reported (Lighthouse scores move a little run to run,
// more so on a shared machine).
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import lighthouse from "lighthouse";

const args = process.argv.slice(2);
const json = args.includes("--json");
const runsAt = args.indexOf("--runs");
const RUNS = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1])) : 3;
const CHROMIUM = process.env.IMI_CHROMIUM ?? "/usr/bin/chromium";
const TARGETS = { performance: 90, accessibility: 95, firstLoadJsKb: 150 };
const say = (line: string) => {
  if (!json) console.log(line);
};

async function startNode(webRoot: string, dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", "up", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", IMI_GATEWAY_WEB_ROOT: webRoot },
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const summary = await new Promise<{ webUrl: string }>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      // The summary line, not a log line the node may write to stdout before it.
      if (line.startsWith('{"ok"')) {
        const summary = JSON.parse(line) as { ok: boolean; webUrl?: string };
        if (summary.ok && summary.webUrl) resolve({ webUrl: summary.webUrl });
        else reject(new Error(`imi up did not start: ${line}`));
      }
    });
    void exited.then((code) => reject(new Error(`imi up exited with ${code}: ${stderr}`)));
  });
  return {
    url: summary.webUrl,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/** Debian's Chromium with a DevTools port Lighthouse connects to (read from its "DevTools listening" line). */
async function startChromium(): Promise<{ port: number; stop(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), "imi-bench-chromium-"));
  const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
  const child = spawn(CHROMIUM, [...flags, "--remote-debugging-port=0", `--user-data-dir=${profile}`, "about:blank"], { stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let seen = "";
    child.stderr.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(seen);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(() => reject(new Error(`${CHROMIUM} exited before listening: ${seen}`)));
  });
  return {
    port,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      await rm(profile, { recursive: true, force: true });
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const webRoot = await mkdtemp(join(tmpdir(), "imi-bench-web-dist-"));
  const dataDir = await mkdtemp(join(tmpdir(), "imi-bench-web-"));
  say("building the web app …");
  await promisify(execFile)(process.execPath, ["node_modules/vite/bin/vite.js", "build", "web", "--logLevel", "warn", "--outDir", webRoot, "--emptyOutDir"], { maxBuffer: 16 * 1024 * 1024 });
  say("starting imi up …");
  const node = await startNode(webRoot, dataDir);
  const chrome = await startChromium();
  try {
    const scores = { performance: [] as number[], accessibility: [] as number[] };
    let scripts = new Set<string>();
    let metrics: Record<string, number> = {};
    for (let run = 1; run <= RUNS; run++) {
      // Mobile is Lighthouse's default form factor: a Moto G Power-class screen, 4x CPU slowdown, slow 4G, simulated.
      const result = await lighthouse(node.url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility"], formFactor: "mobile" });
      if (!result) throw new Error("Lighthouse returned no result");
      const { lhr } = result;
      scores.performance.push(Math.round((lhr.categories.performance.score ?? 0) * 100));
      scores.accessibility.push(Math.round((lhr.categories.accessibility.score ?? 0) * 100));
      const requests = (lhr.audits["network-requests"].details as { items: Array<{ url: string; resourceType?: string }> }).items;
      scripts = new Set(requests.filter((r) => r.resourceType === "Script" && r.url.startsWith(node.url)).map((r) => new URL(r.url).pathname));
      metrics = Object.fromEntries(["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index"].map((id) => [id, lhr.audits[id].numericValue ?? 0]));
      say(`run ${run}/${RUNS}: performance ${scores.performance.at(-1)}, accessibility ${scores.accessibility.at(-1)}`);
    }
    // What the start screen loads, gzipped at the level a server would use (zlib default, as Vite reports).
    let gzipped = 0;
    let raw = 0;
    const files: Array<{ path: string; gzipKb: number }> = [];
    for (const path of scripts) {
      const bytes = await readFile(join(webRoot, path));
      const gz = gzipSync(bytes).length;
      raw += bytes.length;
      gzipped += gz;
      files.push({ path, gzipKb: +(gz / 1024).toFixed(1) });
    }
    const figures = {
      url: node.url,
      runs: RUNS,
      performance: median(scores.performance),
      accessibility: median(scores.accessibility),
      firstLoadJsKb: +(gzipped / 1024).toFixed(1),
      firstLoadJsRawKb: +(raw / 1024).toFixed(1),
      scripts: files.sort((a, b) => b.gzipKb - a.gzipKb),
      metricsMs: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, k === "cumulative-layout-shift" ? +v.toFixed(3) : Math.round(v)])),
      targets: TARGETS,
    };
    if (json) {
      console.log(JSON.stringify(figures));
      return;
    }
    const mark = (ok: boolean) => (ok ? "meets" : "BELOW");
    say("");
    say(`citizen start screen, Lighthouse mobile, median of ${RUNS}`);
    say(`  performance     ${String(figures.performance).padStart(6)}   target >= ${TARGETS.performance}   ${mark(figures.performance >= TARGETS.performance)}`);
    say(`  accessibility   ${String(figures.accessibility).padStart(6)}   target >= ${TARGETS.accessibility}   ${mark(figures.accessibility >= TARGETS.accessibility)}`);
    say(`  first-load JS   ${figures.firstLoadJsKb.toFixed(1).padStart(6)} kB gzipped (${figures.firstLoadJsRawKb} kB raw, ${files.length} files)   target <= ${TARGETS.firstLoadJsKb} kB   ${mark(figures.firstLoadJsKb <= TARGETS.firstLoadJsKb)}`);
    say(`  metrics (last run, simulated): ${Object.entries(figures.metricsMs).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    for (const f of figures.scripts) say(`    ${f.gzipKb.toFixed(1).padStart(6)} kB  ${f.path}`);
  } finally {
    await chrome.stop();
    await node.stop();
    await rm(webRoot, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
