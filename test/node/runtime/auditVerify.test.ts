// `imi audit verify --data-dir` on a real node's data directory: while the node runs, after it
// stopped, and after a record was altered on disk.
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { Level } from "level";
import { openAccessLog } from "../../../node/accesslog/index.js";
import { openKeyRing } from "../../../node/runtime/keys.js";
import { recordInput } from "../accesslog/helpers.js";

function run(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ["cli/bin/imi.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout })));
}

async function startNode(dataDir: string) {
  const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", "up", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const summary = await new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => line.startsWith(`{"ok"`) && resolve(JSON.parse(line)));
    void exited.then((code) => reject(new Error(`imi up exited ${code}`)));
  });
  return { child, summary, stop: async () => (child.kill("SIGINT"), exited) };
}

describe("imi audit verify --data-dir", () => {
  it("passes on an intact log (node running or stopped) and names the altered record", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "imi-audit-"));
    let node = await startNode(dataDir);
    await node.stop();
    // Accesses logged by the gateway while it ran (written here straight into its log).
    const gateway = await (await openKeyRing(dataDir, {})).address("gateway");
    const log = await openAccessLog({ dir: join(dataDir, "gateway", "accesslog"), gateway });
    for (let i = 0; i < 25; i++) await log.append(recordInput({ time: Date.now() - 120_000 }));
    await log.close();

    // Unanchored and old: a break.
    const before = await run(["--json", "audit", "verify", "--data-dir", dataDir]);
    expect(before.code).toBe(5);
    expect(JSON.parse(before.stdout)).toMatchObject({ ok: false, nodeRunning: false, firstBreak: { kind: "unanchored", seq: 1 } });

    // The node anchors them on its next start.
    node = await startNode(dataDir);
    let running: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) {
      const result = await run(["--json", "audit", "verify", "--data-dir", dataDir]);
      running = JSON.parse(result.stdout);
      if (running.ok === true) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(running).toMatchObject({ ok: true, nodeRunning: true, recordsChecked: 25, anchoredThroughSeq: 25 });
    await node.stop();

    const stopped = await run(["--json", "audit", "verify", "--data-dir", dataDir]);
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ ok: true, nodeRunning: false, recordsChecked: 25 });

    const db = new Level<string, Uint8Array>(join(dataDir, "gateway", "accesslog"), { keyEncoding: "utf8", valueEncoding: "view" });
    const records = db.sublevel<string, Uint8Array>("r", { keyEncoding: "utf8", valueEncoding: "view" });
    const key = (12).toString(16).padStart(16, "0");
    const value = Buffer.from((await records.get(key))!);
    value[3 * 32 + 31] ^= 0xff; // another agency
    await records.put(key, value);
    await db.close();
    const broken = await run(["audit", "verify", "--data-dir", dataDir]);
    expect(broken.code).toBe(5);
    expect(broken.stdout).toContain("BROKEN at seq 12");
  });
});
