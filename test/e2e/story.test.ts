// The whole story, end to end, on two engines: the embedded chain that `imi up` runs, and
// Hardhat's own node as an external JSON-RPC endpoint (the way Besu is used). Same commands, same
// node code, no change: `imi up`, `imi demo` (register, consent, access, predicate, identity proof,
// credential, revocation, refusal, tracker, trace, audit), `imi status`, `imi audit verify`.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Contract, JsonRpcProvider, keccak256, toUtf8Bytes, Wallet } from "ethers";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_CITIZENS } from "../../cli/commands/demo/story.js";
import { startChain } from "../../node/chain/index.js";
import { openKeyRing } from "../../node/runtime/keys.js";
import { startHardhatNode, type HardhatNode } from "../helpers/hardhatNode.js";
import { chainRecords, scan, storageSlots, type Hit } from "./personalDataScan.js";

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
    createInterface({ input: child.stdout }).on("line", (line) => line.startsWith(`{"ok"`) && resolve(JSON.parse(line)));
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

/** The demo citizens' personal data, as the registrar took it at the counter. */
const PEOPLE = DEMO_CITIZENS.map(({ name, idNumber, birthDate, district }) => ({ name, idNumber, birthDate, district }));

/** Scans a stopped embedded node's chain: every event, transaction input and storage slot (personalDataScan.ts). */
async function scanStoppedNode(dataDir: string): Promise<{ hits: Hit[]; events: number; slots: number }> {
  const keys = await openKeyRing(dataDir, {});
  const chain = await startChain({ dataDir: join(dataDir, "chain"), validatorKey: await keys.privateKey("validator", { create: false }), port: 0, logger: pino({ level: "silent" }) });
  let records: Awaited<ReturnType<typeof chainRecords>>;
  try {
    records = await chainRecords(chain.url);
  } finally {
    await chain.close();
  }
  const slots = await storageSlots(join(dataDir, "chain", "chaindata"), records.stateRoot);
  return { hits: scan(PEOPLE, records.blobs, slots), events: records.blobs.filter((b) => b.where.startsWith("event")).length, slots: slots.length };
}

describe("end to end", () => {
  let hardhat: HardhatNode | undefined;
  let embeddedDataDir: string | undefined;
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await hardhat?.stop();
  });

  it("on the embedded chain, and again after a restart: the story continues on the same data", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "imi-e2e-embedded-"));
    embeddedDataDir = dataDir;
    await story(dataDir, []);
    await story(dataDir, []);
  });

  it("no personal data of the demo citizens in any event, transaction input or storage slot, in any encoding; a planted value is found", async () => {
    const dataDir = embeddedDataDir;
    if (!dataDir) throw new Error("the embedded story did not start");
    const clean = await scanStoppedNode(dataDir);
    // The scan saw the whole story (registrations, consents, anchors, credentials), and nothing personal.
    expect(clean.events).toBeGreaterThan(20);
    expect(clean.slots).toBeGreaterThan(50);
    expect(clean.hits).toEqual([]);

    // Control: the governor registers a schema named after a district, versioned with a birth date,
    // whose id is a name's keccak256: all three must be found.
    const node = await up(dataDir, []);
    try {
      const provider = new JsonRpcProvider(String(node.summary.rpcUrl), undefined, { staticNetwork: true, cacheTimeout: -1 });
      const governor = new Wallet(await (await openKeyRing(dataDir, {})).privateKey("governor", { create: false }), provider);
      const registry = new Contract(String((node.summary.contracts as Record<string, string>).credentialRegistry), ["function registerSchema(bytes32 schemaId, string name, string version)"], governor);
      const receipt = await (await registry.getFunction("registerSchema")(keccak256(toUtf8Bytes("Chan Tai Man")), "Haidian", "1950-02-03")).wait();
      expect(receipt?.status).toBe(1);
      provider.destroy();
    } finally {
      expect(await node.stop()).toBe(0);
    }
    const found = (await scanStoppedNode(dataDir)).hits;
    const seen = (label: string, where: string) => found.some((h) => h.label === label && h.where.startsWith(where));
    expect(seen('district "Haidian" (utf-8)', "event")).toBe(true);
    expect(seen('district "Haidian" (utf-8)', "storage")).toBe(true);
    expect(seen('district "Haidian" (utf-8)', "input of transaction")).toBe(true);
    expect(seen('birthDate "1950-02-03" (utf-8)', "event")).toBe(true);
    expect(seen('birthDate "1950-02-03" (utf-8)', "storage")).toBe(true);
    expect(seen('name "Chan Tai Man" (keccak256)', "event")).toBe(true);
    expect(seen('name "Chan Tai Man" (keccak256) as a mapping key', "storage")).toBe(true);
  }, 900_000);

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
    // The same scan of events and transaction inputs on the external chain (its state is Hardhat's own).
    expect(scan(PEOPLE, (await chainRecords(hardhat.url)).blobs, [])).toEqual([]);
  });
});
