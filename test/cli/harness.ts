// A real IMI node for the CLI tests: the same startImiNode that `imi up` runs (embedded chain,
// Ignition deployment, indexer, vault, access log with its anchorer, gateway) in a temp data
// directory, on free ports. The tests then run the real `imi` binary against it.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { loadConfig, type ImiConfigInput } from "../../node/runtime/config.js";
import { startImiNode, type ImiNode } from "../../node/runtime/startNode.js";

export type TestNode = { dataDir: string; node: ImiNode; close(): Promise<void> };

/** `gateway` settings on top of the test defaults (a small registration budget, say). */
export async function startTestNode(gateway: ImiConfigInput["gateway"] = {}): Promise<TestNode> {
  const dataDir = await mkdtemp(join(tmpdir(), "imi-cli-"));
  const config = await loadConfig({ flags: { dataDir, chain: { port: 0 }, gateway: { port: 0, ...gateway }, anchoring: { intervalMs: 200 }, logLevel: "silent" }, env: {} });
  const node = await startImiNode(config, { env: {}, logger: pino({ level: "silent" }) });
  return {
    dataDir,
    node,
    async close() {
      await node.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const BIN = fileURLToPath(new URL("../../cli/bin/imi.js", import.meta.url));

export type CliRun = { code: number; stdout: string; stderr: string; json: () => Record<string, unknown> & { ok: boolean; error?: { code: string; message: string } } };

/** Runs the real `imi` binary (this Node, which is 22+) and collects its output. */
export function imi(args: string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: "1", ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        json: () => {
          const line = stdout.trim().split("\n").at(-1) ?? "";
          try {
            return JSON.parse(line);
          } catch {
            throw new Error(`not JSON on stdout (exit ${code}):\n${stdout}\n--- stderr ---\n${stderr}`);
          }
        },
      }),
    );
    child.stdin.end(options.input ?? "");
  });
}

/** Runs `imi` on a pseudo-terminal (util-linux `script`), as a person at a terminal would: progress bars show. */
export function imiOnTerminal(args: string[], options: { env?: Record<string, string> } = {}): Promise<CliRun> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], { env: { ...process.env, NO_COLOR: "1", ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr: "", json: () => JSON.parse(stdout) }));
    child.stdin.end();
  });
}
