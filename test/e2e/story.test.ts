// The whole story, end to end, on two engines: the embedded chain that `imi up` runs, and
// Hardhat's own node as an external JSON-RPC endpoint (the way Besu is used). Same commands, same
// node code, no change: `imi up`, `imi demo` (register, consent, access, predicate, identity proof,
// credential, revocation, refusal, tracker, trace, audit), `imi status`, `imi audit verify`.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { openKeyRing } from "../../node/runtime/keys.js";
import { startHardhatNode, type HardhatNode } from "../helpers/hardhatNode.js";

const NODE_KEYS = ["deployer", "governor", "gateway"];
const DEMO_KEYS = ["demo-registrar", "demo-issuer", "demo-agency-1", "demo-agency-2", "demo-auditor", "demo-citizen-1", "demo-citizen-2", "demo-citizen-3"];
const children: ChildProcess[] = [];

function run(args: string[]): Promise<{ code: number | null; json: Record<string, unknown>; stderr: string }> {
  const child = spawn(process.execPath, ["cli/bin/imi.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      const last = stdout.trim().split("\n").at(-1) ?? "{}";
      resolve({ code, json: last.startsWith("{") ? (JSON.parse(last) as Record<string, unknown>) : {}, stderr });
    }),
  );
}

async function up(dataDir: string, extra: string[]) {
  const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", "up", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0", ...extra], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const summary = await new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => line.startsWith("{") && resolve(JSON.parse(line)));
    void exited.then((code) => reject(new Error(`imi up exited ${code}`)));
  });
  return { summary, stop: async () => (child.kill("SIGINT"), exited) };
}

async function story(dataDir: string, upArgs: string[]) {
  const node = await up(dataDir, upArgs);
  try {
    const demo = await run(["--json", "demo", "--data-dir", dataDir]);
    expect(demo.stderr.includes("FAIL") ? demo.stderr : "").toBe("");
    expect(demo.code, demo.stderr + JSON.stringify(demo.json)).toBe(0);
    const steps = demo.json.steps as Array<{ step: string; ok: boolean }>;
    expect(steps.length).toBeGreaterThan(8);
    expect(steps.every((s) => s.ok)).toBe(true);

    const status = await run(["--json", "status", "--data-dir", dataDir]);
    expect(status.json).toMatchObject({ ok: true, running: true, index: { ready: true }, accessLog: { halted: false } });
    expect((status.json.accessLog as { lastSeq: number }).lastSeq).toBeGreaterThan(0);

    // Every access the story made gets anchored; then the log verifies against the chain.
    let audit: Record<string, unknown> = {};
    for (let i = 0; i < 60; i++) {
      audit = (await run(["--json", "audit", "verify", "--data-dir", dataDir, "--grace", "0"])).json;
      if (audit.ok === true) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(audit).toMatchObject({ ok: true, pendingRecords: 0 });
    expect(audit.recordsChecked).toBe((status.json.accessLog as { lastSeq: number }).lastSeq);
  } finally {
    expect(await node.stop()).toBe(0);
  }
  // The stopped node's log still verifies.
  expect((await run(["--json", "audit", "verify", "--data-dir", dataDir])).json).toMatchObject({ ok: true });
}

describe("end to end", () => {
  let hardhat: HardhatNode | undefined;
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await hardhat?.stop();
  });

  it("on the embedded chain, and again after a restart: the story continues on the same data", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "imi-e2e-embedded-"));
    await story(dataDir, []);
    await story(dataDir, []);
  });

  it("on Hardhat's node, an external JSON-RPC endpoint", async () => {
    hardhat = await startHardhatNode();
    const dataDir = await mkdtemp(join(tmpdir(), "imi-e2e-hardhat-"));
    // Hardhat's node charges gas (Besu as configured by besu-config does not): fund the node's and
    // the demo's accounts, created ahead of the first start.
    const ring = await openKeyRing(dataDir, {});
    for (const name of [...NODE_KEYS, ...DEMO_KEYS]) {
      await fetch(hardhat.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "hardhat_setBalance", params: [await ring.address(name), "0x3635c9adc5dea00000"] }),
      });
    }
    await story(dataDir, ["--rpc-url", hardhat.url]);
  });
});
