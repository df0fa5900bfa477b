// `imi chain start` as an operator runs it: a real process, a real data directory, signals.
import { spawn } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeTempDir } from "./helpers.js";

type Run = { stdout: string; stderr: string; code: number | null; url?: string; stop(): Promise<number | null> };

function imi(args: string[]): Promise<Run> {
  const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const run: Run = {
    stdout: "",
    stderr: "",
    code: null,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
      child.kill("SIGTERM");
      return exited;
    },
  };
  child.stdout.on("data", (c) => (run.stdout += c));
  child.stderr.on("data", (c) => (run.stderr += c));
  return new Promise((resolve) => {
    child.stdout.on("data", () => {
      const line = run.stdout.split("\n")[0]!;
      if (run.stdout.includes("\n")) {
        const parsed = JSON.parse(line) as { ok: boolean; url?: string };
        if (parsed.ok) resolve({ ...run, url: parsed.url, stop: run.stop });
      }
    });
    child.once("exit", (code) => resolve({ ...run, code, stop: run.stop }));
  });
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return ((await res.json()) as { result: unknown }).result;
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("imi chain start", () => {
  it("creates the genesis on first start, prints its URL, stops on SIGTERM and restarts on the same chain", async () => {
    const dir = await makeTempDir();
    dirs.push(dir);
    const first = await imi(["chain", "start", "--data-dir", dir, "--port", "0"]);
    expect(first.url, first.stderr).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await rpc(first.url!, "eth_chainId")).toBe("0x1ca9");
    const genesisHash = ((await rpc(first.url!, "eth_getBlockByNumber", ["0x0", false])) as { hash: string }).hash;
    expect(await first.stop()).toBe(0);
    const genesis = JSON.parse(await readFile(join(dir, "genesis.json"), "utf8")) as { validator: string; allowlist: string[] };
    expect(genesis.allowlist).toContain(genesis.validator);

    const second = await imi(["chain", "start", "--data-dir", dir, "--port", "0"]);
    expect(((await rpc(second.url!, "eth_getBlockByNumber", ["0x0", false])) as { hash: string }).hash).toBe(genesisHash);
    expect(await second.stop()).toBe(0);
  });

  it("refuses a genesis file of another chain, or a missing one, with the configuration exit code", async () => {
    const dir = await makeTempDir();
    dirs.push(dir);
    const first = await imi(["chain", "start", "--data-dir", dir, "--port", "0"]);
    await first.stop();
    const stored = JSON.parse(await readFile(join(dir, "genesis.json"), "utf8")) as Record<string, unknown>;
    const other = join(dir, "other-genesis.json");
    await writeFile(other, JSON.stringify({ ...stored, chainId: 4242 }));
    const refused = await imi(["chain", "start", "--data-dir", dir, "--port", "0", "--genesis", other]);
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stdout.trim().split("\n").pop()!)).toMatchObject({ ok: false, error: { code: "CHAIN_GENESIS_MISMATCH" } });

    const missing = await imi(["chain", "start", "--data-dir", join(dir, "new"), "--port", "0", "--genesis", join(dir, "missing.json")]);
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stdout.trim().split("\n").pop()!)).toMatchObject({ ok: false, error: { code: "CHAIN_GENESIS_UNREADABLE" } });
  });
});
