// `imi chain start` and `imi up` on a port that is already taken: a coded refusal naming the port
// and the flag that changes it, exit 4, and nothing started or deployed. They used to print an
// unhandled 'error' stack and exit 1 (imi up only after the contracts were deployed).
import { spawn } from "node:child_process";
import { access, mkdtemp } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../cli/CliError.js";

function imi(args: string[]): Promise<{ code: number | null; json: Record<string, unknown>; stderr: string }> {
  const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) =>
    child.once("exit", (code) => resolve({ code, json: JSON.parse(stdout.trim().split("\n").at(-1) || "{}") as Record<string, unknown>, stderr })),
  );
}

const exists = (path: string) => access(path).then(() => true, () => false);

describe("a busy port", () => {
  let holder: Server;
  let busy: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    busy = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it("imi chain start: exit 4, CHAIN_RPC_LISTEN_FAILED naming the port and --port (was: unhandled 'error', exit 1)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "imi-busy-"));
    const result = await imi(["chain", "start", "--data-dir", join(dir, "chain"), "--port", String(busy)]);
    expect(result.json).toMatchObject({ ok: false, error: { code: "CHAIN_RPC_LISTEN_FAILED" } });
    const message = (result.json.error as { message: string }).message;
    expect(message).toContain(`127.0.0.1:${busy}`);
    expect(message).toContain("--port");
    expect(result.stderr).not.toMatch(/uncaught|Unhandled|at Server\./);
    expect(result.code).toBe(EXIT.unavailable);
  });

  it("imi up: the chain port and the gateway port are both checked before anything is deployed", async () => {
    for (const [flag, other] of [["--chain-port", "--gateway-port"], ["--gateway-port", "--chain-port"]] as const) {
      const dataDir = join(await mkdtemp(join(tmpdir(), "imi-busy-")), "node");
      const result = await imi(["up", "--data-dir", dataDir, flag, String(busy), other, "0"]);
      expect(result.json).toMatchObject({ ok: false, error: { code: "PORT_IN_USE" } });
      const message = (result.json.error as { message: string }).message;
      expect(message).toContain(`127.0.0.1:${busy}`);
      expect(message).toContain(flag);
      expect(result.code).toBe(EXIT.unavailable);
      // Nothing was created, let alone deployed.
      expect(await exists(join(dataDir, "deployment.json"))).toBe(false);
      expect(await exists(join(dataDir, "chain"))).toBe(false);
    }
  });
});
