// A node's data directory as its first start leaves it (keys made, contracts deployed through
// Ignition, index caught up), made once per test run and copied for each test file that needs a
// fresh node. The first start deploys every contract and costs ~13 s of CPU; starting a copy costs
// ~2.5 s. Each copy is a data directory of its own: the files' chains never meet.
//
// The first test file to ask makes it; files running beside it wait for it. A run is the Vitest
// process the test files' workers belong to, so nothing is carried over from one run to the next
// (the contracts or the deploy code may have changed in between).
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { loadConfig } from "../../node/runtime/config.js";
import { startImiNode } from "../../node/runtime/startNode.js";

const PREFIX = "imi-first-start-";

/** This run: the parent process's id and start time (a pid alone may be used again later). */
function runId(pid = process.ppid): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22 (starttime), counted after the command name, which may hold spaces.
    return `${pid}-${stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]}`;
  } catch {
    return undefined;
  }
}

/** Removes what runs that have ended left behind. */
async function sweep(): Promise<void> {
  for (const name of await readdir(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const [pid] = name.slice(PREFIX.length).split("-");
    if (runId(Number(pid)) !== name.slice(PREFIX.length)) await rm(join(tmpdir(), name), { recursive: true, force: true });
  }
}

async function firstStart(dataDir: string): Promise<void> {
  const config = await loadConfig({ flags: { dataDir, chain: { port: 0 }, gateway: { port: 0 }, logLevel: "silent" }, env: {} });
  const node = await startImiNode(config, { env: {}, logger: pino({ level: "silent" }) });
  await node.close();
}

/** A new directory (named `prefix…` in the temp directory) holding a copy of a first-started node's data. */
export async function firstStartedDataDir(prefix: string): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const run = runId();
  if (run === undefined) {
    // No /proc: every file makes its own.
    await firstStart(dataDir);
    return dataDir;
  }
  const shared = join(tmpdir(), `${PREFIX}${run}`);
  const ready = join(shared, "data");
  let maker = false;
  try {
    await mkdir(shared);
    maker = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  if (maker) {
    await sweep();
    const making = join(shared, "making");
    try {
      await firstStart(making);
      await rename(making, ready);
    } catch (error) {
      await writeFile(join(shared, "failed"), String(error));
      throw error;
    }
  } else {
    // The maker's first start takes a minute or two on a loaded machine.
    for (let waited = 0; !existsSync(ready); waited += 250) {
      if (existsSync(join(shared, "failed")) || waited > 300_000) {
        await firstStart(dataDir);
        return dataDir;
      }
      await sleep(250);
    }
  }
  await cp(ready, dataDir, { recursive: true });
  return dataDir;
}
