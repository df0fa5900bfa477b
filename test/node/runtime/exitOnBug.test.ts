// An unhandled rejection in a node process is a bug: the process logs it at fatal level and exits
// 70, rather than running on in an unknown state (node/runtime/exitOnBug.ts). Checked on the real
// entry, `imi up`, with a rejection planted in the running node.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT_BUG } from "../../../node/runtime/exitOnBug.js";

const BIN = fileURLToPath(new URL("../../../cli/bin/imi.js", import.meta.url));
const PLANT = fileURLToPath(new URL("./fixtures/plantRejection.mjs", import.meta.url));

describe("a rejection nobody handles", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("an unhandled rejection in a running imi up is logged at fatal level and exits 70, not ignored", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "imi-bug-"));
    dirs.push(dataDir);
    const child = spawn(process.execPath, [BIN, "--json", "up", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${PLANT}`.trim() },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (line) => {
        if (line.startsWith("{") && (JSON.parse(line) as { gatewayUrl?: string }).gatewayUrl) resolve();
      });
      void exited.then((code) => reject(new Error(`imi up exited ${code} before it was up: ${stderr}`)));
    });
    child.kill("SIGUSR2");
    expect(await exited).toBe(EXIT_BUG);
    const fatal = stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: number; event?: string; err?: { message?: string } })
      .find((entry) => entry.level === 60);
    expect(fatal).toMatchObject({ event: "unhandled_rejection", err: { message: expect.stringContaining("planted bug") } });
  });
});
