// bench:import: how fast a service window onboards citizens. Starts a fresh node (as `imi up`
// does), writes a CSV of N citizens with B bad rows, runs the real `imi registrar import` on it
// twice (the second run finds every good row registered already) and prints rows per second for
// both runs. Figures only, no assertions.
//
//   npx tsx bench/registrarImport.ts [--rows 5000] [--bad 5] [--in-flight 16] [--data-dir <dir>]
//
// With --data-dir it uses the node already running there (its registrar key "registrar" must hold
// the registrar role) instead of starting one.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Wallet } from "ethers";
import { pino } from "pino";
import { grantRole } from "../cli/commands/roles/grant.js";
import { loadConfig } from "../node/runtime/config.js";
import { openKeyRing } from "../node/runtime/keys.js";
import { startImiNode, type ImiNode } from "../node/runtime/startNode.js";

const { values } = parseArgs({ options: { rows: { type: "string", default: "5000" }, bad: { type: "string", default: "5" }, "data-dir": { type: "string" }, "in-flight": { type: "string", default: "16" } } });
const rows = Number(values.rows);
const bad = Number(values.bad);
const BIN = fileURLToPath(new URL("../cli/bin/imi.js", import.meta.url));

/** N citizens, B of them bad (an impossible birth date or a broken key address), spread over the file. */
export function citizensCsv(n: number, badCount: number): string {
  const lines = ["controller,name,id_number,birth_date,district,level"];
  const badAt = new Set(Array.from({ length: badCount }, (_, k) => 2 + Math.floor(((n - 1) * (k + 1)) / (badCount + 1))));
  for (let line = 2; lines.length <= n; line++) {
    const controller = Wallet.createRandom().address;
    if (badAt.has(line)) lines.push(line % 2 ? `0x12${line},Bad Key,,1980-01-01,Haidian,2` : `${controller},No Such Day,,1950-02-30,Haidian,2`);
    else lines.push(`${controller},Citizen ${line},ID${line},19${(line % 90) + 10}-0${(line % 9) + 1}-1${line % 9},Haidian,2`);
  }
  return `${lines.join("\n")}\n`;
}

function run(args: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, json: JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown> }));
  });
}

let node: ImiNode | undefined;
let dataDir = values["data-dir"];
const scratch = await mkdtemp(join(tmpdir(), "imi-bench-import-"));
if (dataDir === undefined) {
  dataDir = join(scratch, "node");
  const config = await loadConfig({ flags: { dataDir, chain: { port: 0 }, gateway: { port: 0 }, logLevel: "silent" }, env: {} });
  node = await startImiNode(config, { env: {}, logger: pino({ level: "silent" }) });
}
const ring = await openKeyRing(dataDir);
await grantRole({ dataDir, role: "registrar", account: await ring.address("registrar") });
const csv = join(scratch, "citizens.csv");
await writeFile(csv, citizensCsv(rows, bad));
console.log(`bench:import — ${rows} rows, ${bad} bad, ${values["in-flight"]} in flight, node ${node ? "fresh" : `at ${dataDir}`}`);
try {
  for (const label of ["first run", "second run"]) {
    const started = performance.now();
    const { code, json } = await run(["--json", "registrar", "import", csv, "--key", "registrar", "--data-dir", dataDir, "--no-progress", "--in-flight", values["in-flight"]!]);
    const seconds = (performance.now() - started) / 1000;
    const count = (k: string) => (Array.isArray(json[k]) ? (json[k] as unknown[]).length : 0);
    console.log(
      `${label.padEnd(10)}  exit ${code}  registered ${count("registered")}  already ${count("alreadyRegistered")}  rejected ${count("rejected")}  ` +
        `${seconds.toFixed(1)} s  ${(rows / seconds).toFixed(1)} rows/s (incl. start-up)  ${json.rowsPerSecond} rows/s (import)  retries ${json.retries} ${JSON.stringify(json.retriedCodes ?? {})}  pace ≤ ${json.pacePerSecond}/s`,
    );
  }
} finally {
  await node?.close();
  await rm(scratch, { recursive: true, force: true });
}
