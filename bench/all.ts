// Runs every benchmark, one after the other (they would compete for the two cores otherwise), and
// prints one summary table of their headline figures next to the targets.
//   npm run bench [-- --json] [-- --quick]
// --quick shortens the runs (smaller history, fewer records, shorter load) for a fast look; the
// figures in the issue targets are the ones from a full run.
import { spawn } from "node:child_process";

const json = process.argv.includes("--json");
const quick = process.argv.includes("--quick");

type Bench = { name: string; script: string; args: string[]; figures: Array<[string, string, string?]> };

const benches: Bench[] = [
  {
    name: "gas",
    script: "bench/gas.ts",
    args: [],
    figures: [
      ["register", "register (gas)"],
      ["grant_signed", "signed consent grant (gas)"],
      ["anchor_1000_credentials_root", "1,000 credentials as one root (gas)"],
      ["anchor_access_batch_next", "access-log batch anchor (gas)"],
    ],
  },
  {
    name: "chain",
    script: "bench/chain.ts",
    args: quick ? ["--n", "500", "--history", "10000"] : [],
    figures: [
      ["tx_per_s", "embedded chain tx/s", ">= 300 (aim 1,000)"],
      ["receipt_p99_ms", "time to receipt p99 (ms)"],
      ["restart_s_100k", "restart at 100k txs of history (s)", "< 2"],
      ["bytes_per_tx", "bytes on disk per tx"],
      ["peak_rss_mb", "node peak RSS (MB)", "< 512"],
      ["ratio_vs_hardhat", "tx/s vs Hardhat's node (ratio)"],
    ],
  },
  {
    name: "gateway",
    script: "bench/gateway.ts",
    args: quick ? ["--duration", "4"] : [],
    figures: [
      ["access_per_s", "authorized accesses/s"],
      ["ratio", "vs bare Fastify (ratio)", ">= 0.25"],
      ["p99_ms", "access p99 at 50 connections (ms)", "< 20"],
      ["identity_verify_per_s", "identity verifications/s"],
      ["revocation_to_refusal_ms", "revocation to refusal (ms)", "< 1,000"],
      ["peak_rss_mb", "gateway peak RSS (MB)", "< 512"],
    ],
  },
  {
    name: "trace",
    script: "bench/trace.ts",
    args: quick ? ["--records", "100000", "--seconds", "4"] : [],
    figures: [
      ["records_logged_per_s", "access records logged durably/s"],
      ["anchor_p99_ms", "access to anchored proof p99 at the gateway's rate (ms)", "< 2,000"],
      ["audit_verify_records_per_s", "audit verify records/s", ">= 100,000"],
    ],
  },
];

function run(bench: Bench): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", bench.script, "--json", ...bench.args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("exit", () => {
      const last = out.trim().split("\n").at(-1) ?? "";
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        resolve(undefined);
      }
    });
  });
}

const results: Record<string, Record<string, unknown> | undefined> = {};
for (const bench of benches) {
  if (!json) process.stderr.write(`running bench:${bench.name} ...\n`);
  results[bench.name] = await run(bench);
}

if (json) {
  console.log(JSON.stringify(results));
} else {
  const rows: string[][] = [["benchmark", "figure", "value", "target"]];
  for (const bench of benches) {
    const result = results[bench.name];
    for (const [key, label, target] of bench.figures) {
      const value = result?.[key];
      rows.push([bench.name, label, value === undefined ? (result ? "-" : "FAILED") : typeof value === "number" ? value.toLocaleString("en-US") : String(value), target ?? ""]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
}
