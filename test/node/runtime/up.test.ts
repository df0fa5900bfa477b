// `imi up` as a person runs it: a real process, a real data directory, stopped with a signal,
// started again, and killed with SIGKILL.
import { spawn, type ChildProcess } from "node:child_process";
import { access, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";

type Up = { child: ChildProcess; summary: Record<string, unknown>; exited: Promise<number | null> };
const running: ChildProcess[] = [];

async function startUp(dataDir: string, extra: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<Up> {
  const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", "up", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0", ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  running.push(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout! });
  const summary = await new Promise<Record<string, unknown>>((resolve, reject) => {
    lines.on("line", (line) => {
      if (line.startsWith(`{"ok"`)) resolve(JSON.parse(line) as Record<string, unknown>);
    });
    void exited.then((code) => reject(new Error(`imi up exited with ${code}: ${stderr}`)));
  });
  return { child, summary, exited };
}

async function status(dataDir: string): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", "status", "--data-dir", dataDir], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  await new Promise((resolve) => child.once("exit", resolve));
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
}

const present = (path: string) => access(path).then(() => true, () => false);

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

describe("imi up", () => {
  it("starts everything, stops cleanly on SIGINT, resumes on the next start, survives SIGKILL", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "imi-up-"));
    const first = await startUp(dataDir);
    expect(first.summary).toMatchObject({ ok: true, deployedNow: true, embeddedChain: true, chainId: 7337 });
    // The launcher replaced its own process (same pid) with the node's heap limits added.
    const flags = (pid: number | undefined) => readFile(`/proc/${pid}/cmdline`, "utf8").then((c) => c.split("\0"));
    expect(await flags(first.child.pid)).toEqual(expect.arrayContaining(["--max-old-space-size=640", "--max-semi-space-size=32"]));
    const gatewayUrl = first.summary.gatewayUrl as string;
    const ready = await (await fetch(`${gatewayUrl}/readyz`)).json();
    expect(ready).toMatchObject({ ready: true });
    expect((await fetch(`${first.summary.docsUrl as string}/json`)).status).toBe(200);
    expect(await present(join(dataDir, "node.json"))).toBe(true);
    const live = await status(dataDir);
    expect(live).toMatchObject({ ok: true, running: true, chainId: 7337, index: { ready: true }, accessLog: { lastSeq: 0, halted: false } });
    expect(live.roles).toMatchObject({ governor: [first.summary.governor], gateway: [first.summary.gateway] });
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    expect(await present(join(dataDir, "node.json"))).toBe(false);
    expect(await status(dataDir)).toMatchObject({ ok: true, running: false, chainId: 7337, accessLog: { lastSeq: 0 } });

    // An operator's own old-generation size wins over the launcher's.
    const second = await startUp(dataDir, [], { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, "--max-old-space-size=700"].filter(Boolean).join(" ") });
    expect(second.summary).toMatchObject({ ok: true, deployedNow: false, contracts: first.summary.contracts, governor: first.summary.governor });
    expect(await flags(second.child.pid)).not.toContain("--max-old-space-size=640");
    expect(await flags(second.child.pid)).toContain("--max-semi-space-size=32");
    second.child.kill("SIGKILL");
    await second.exited;

    const third = await startUp(dataDir);
    expect(third.summary).toMatchObject({ ok: true, deployedNow: false, contracts: first.summary.contracts });
    expect(await (await fetch(`${third.summary.gatewayUrl as string}/readyz`)).json()).toMatchObject({ ready: true });
    third.child.kill("SIGTERM");
    expect(await third.exited).toBe(0);
  });

  it("prints the gateway and RPC URLs on lines starting gateway: and rpc:", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "imi-up-"));
    const child = spawn(process.execPath, ["cli/bin/imi.js", "up", "--data-dir", dataDir, "--chain-port", "0", "--port", "0", "--log-level", "warn"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    running.push(child);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on("line", (line) => {
        lines.push(line);
        if (line.startsWith("Press Ctrl-C")) resolve();
      });
      void exited.then((code) => reject(new Error(`imi up exited ${code}`)));
    });
    const gateway = lines.find((l) => l.startsWith("gateway:"))!.split(/\s+/)[1];
    const rpc = lines.find((l) => l.startsWith("rpc:"))!.split(/\s+/)[1];
    expect((await fetch(`${gateway}/healthz`)).status).toBe(200);
    const chainId = await fetch(rpc, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) });
    expect(((await chainId.json()) as { result: string }).result).toBe("0x1ca9");
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("refuses a bad setting with its name and exit code 3", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "imi-up-"));
    const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", "up", "--data-dir", dataDir], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, IMI_GATEWAY_PORT: "eighty" },
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(3);
    expect(JSON.parse(out.trim().split("\n").at(-1)!)).toMatchObject({ ok: false, error: { code: "CONFIG_INVALID" } });
  });
});
