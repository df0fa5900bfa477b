// `imi audit verify` against a running node while accesses are logged and batches are cut and
// anchored all the time. It used to copy the live LevelDB file by file and read the chain after:
// a batch cut and anchored in between was reported as "anchored on chain but missing locally".
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../node/runtime/config.js";
import { startImiNode, type ImiNode } from "../../../node/runtime/startNode.js";
import { splitAtSnapshot } from "../../../node/runtime/auditDataDir.js";
import { recordInput } from "../accesslog/helpers.js";

// A generous grace: on a loaded machine anchoring may lag, and records left unanchored too long are
// another check (test/node/runtime/auditVerify.test.ts); this one is about the race.
function verify(dataDir: string): Promise<{ code: number | null; report: Record<string, unknown> }> {
  const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", "audit", "verify", "--grace", "600", "--data-dir", dataDir], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, report: JSON.parse(stdout || "{}") as Record<string, unknown> })));
}

describe("imi audit verify on a running node", () => {
  let node: ImiNode | undefined;
  afterAll(async () => node?.close());

  it("never reports a break on an intact log under steady access load and anchoring (was: batch N anchored on chain but missing locally)", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "imi-audit-live-"));
    const config = await loadConfig({
      flags: { dataDir, chain: { port: 0 }, gateway: { port: 0 }, anchoring: { intervalMs: 40, maxRecords: 4 }, logLevel: "silent" },
      env: {},
    });
    node = await startImiNode(config, { env: {}, logger: pino({ level: "silent" }) });
    const log = node.gateway.accessLog;

    // Steady load: about 20 records a second, appended as the gateway's access route does;
    // the anchorer cuts a batch of at most 4 every 40 ms and anchors it, so it keeps up and
    // the batches stay small and many.
    let running = true;
    const load = (async () => {
      while (running) {
        // The log closes with the node; the load stops with it.
        if (!(await log.append(recordInput()).then(() => true, () => false))) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const reports: Array<Record<string, unknown>> = [];
    try {
      for (let i = 0; i < 5; i++) {
        const { code, report } = await verify(dataDir);
        reports.push(report);
        expect(report.firstBreak, JSON.stringify(report)).toBeUndefined();
        expect(report, JSON.stringify(report)).toMatchObject({ ok: true, nodeRunning: true });
        expect(code).toBe(0);
      }
    } finally {
      running = false;
      await load;
    }
    // The runs really raced the anchorer: batches were anchored while they ran.
    const checked = reports.map((r) => r.batchesChecked as number);
    expect(checked.at(-1)!).toBeGreaterThan(checked[0]);
    expect(reports.at(-1)!.recordsChecked as number).toBeGreaterThan(30);
  }, 1_200_000);

  it("counts batches anchored after the snapshot as pending, and still checks every batch the snapshot must hold", () => {
    const batch = (index: number, blockNumber: number) => ({ index, blockNumber }) as Parameters<typeof splitAtSnapshot>[0][number];
    const anchored = [batch(0, 5), batch(1, 7), batch(2, 9), batch(3, 12)];
    // Snapshot holds 2 batch headers; the head read before it was block 9: batch 2 must be there.
    expect(splitAtSnapshot(anchored, 2, 9)).toMatchObject({ checked: [{ index: 0 }, { index: 1 }, { index: 2 }], pending: [{ index: 3 }] });
    // A stopped node's log is read as it is: nothing is pending.
    expect(splitAtSnapshot(anchored, 1, Number.POSITIVE_INFINITY).pending).toEqual([]);
  });
});
