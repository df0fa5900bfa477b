// imi backup / imi restore round trip on a real node's data directory.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";

function run(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ["cli/bin/imi.js", ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  return new Promise<{ code: number | null; json: Record<string, unknown> }>((resolve) =>
    child.once("exit", (code) => resolve({ code, json: JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") })),
  );
}

async function up(dataDir: string, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", "up", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
    env,
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const summary = await new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => line.startsWith("{") && resolve(JSON.parse(line)));
    void exited.then((code) => reject(new Error(`imi up exited ${code}`)));
  });
  return { summary, stop: async () => (child.kill("SIGINT"), exited) };
}

describe("imi backup / restore", () => {
  it("backs up a stopped node, refuses a running one, restores into an empty directory only", async () => {
    const work = await mkdtemp(join(tmpdir(), "imi-backup-"));
    const dataDir = join(work, "node");
    const node = await up(dataDir);
    const archive = join(work, "node.tar.gz");
    const refused = await run(["--json", "backup", "--data-dir", dataDir, "--out", archive]);
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({ ok: false, error: { code: "BACKUP_NODE_RUNNING" } });
    await node.stop();

    const made = await run(["--json", "backup", "--data-dir", dataDir, "--out", archive]);
    expect(made.code).toBe(0);
    expect(made.json).toMatchObject({ ok: true, chainId: 7337, includesPassword: false });

    const restoredDir = join(work, "restored");
    const restored = await run(["--json", "restore", archive, "--data-dir", restoredDir]);
    expect(restored.code).toBe(0);
    const again = await run(["--json", "restore", archive, "--data-dir", restoredDir]);
    expect(again.json).toMatchObject({ ok: false, error: { code: "RESTORE_TARGET_NOT_EMPTY" } });
    expect(again.code).toBe(2);

    // The password was not in the archive: the operator supplies it.
    const password = (await readFile(join(dataDir, "keys", "password"), "utf8")).trim();
    const back = await up(restoredDir, { ...process.env, IMI_KEY_PASSWORD: password });
    expect(back.summary).toMatchObject({ ok: true, deployedNow: false, contracts: node.summary.contracts, governor: node.summary.governor });
    await back.stop();

    const junk = join(work, "junk.tar.gz");
    await writeFile(junk, "not an archive");
    const bad = await run(["--json", "restore", junk, "--data-dir", join(work, "nothing")]);
    expect(bad.json).toMatchObject({ ok: false, error: { code: "RESTORE_BAD_ARCHIVE" } });
    expect(bad.code).toBe(2);
  });
});
