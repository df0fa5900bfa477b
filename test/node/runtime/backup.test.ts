// imi backup / imi restore round trip on a real node's data directory.
import { spawn } from "node:child_process";
import { access, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { hexlify, randomBytes } from "ethers";
import { describe, expect, it } from "vitest";
import { erasureRegisterPath } from "../../../node/runtime/backup.js";
import { openKeyRing } from "../../../node/runtime/keys.js";
import { LevelVault } from "../../../node/vault/index.js";

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
    createInterface({ input: child.stdout }).on("line", (line) => line.startsWith(`{"ok"`) && resolve(JSON.parse(line)));
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
    const restored = await run(["--json", "restore", archive, "--data-dir", restoredDir, "--no-erasures"]);
    expect(restored.code).toBe(0);
    const again = await run(["--json", "restore", archive, "--data-dir", restoredDir, "--no-erasures"]);
    expect(again.json).toMatchObject({ ok: false, error: { code: "RESTORE_TARGET_NOT_EMPTY" } });
    expect(again.code).toBe(2);

    // The password was not in the archive: the operator supplies it.
    const password = (await readFile(join(dataDir, "keys", "password"), "utf8")).trim();
    const back = await up(restoredDir, { ...process.env, IMI_KEY_PASSWORD: password });
    expect(back.summary).toMatchObject({ ok: true, deployedNow: false, contracts: node.summary.contracts, governor: node.summary.governor });
    await back.stop();

    const junk = join(work, "junk.tar.gz");
    await writeFile(junk, "not an archive");
    const bad = await run(["--json", "restore", junk, "--data-dir", join(work, "nothing"), "--no-erasures"]);
    expect(bad.json).toMatchObject({ ok: false, error: { code: "RESTORE_BAD_ARCHIVE" } });
    expect(bad.code).toBe(2);
  });

  it("an erased citizen stays erased after restoring a backup taken before the erasure (was: the backup brought the record back)", async () => {
    const work = await mkdtemp(join(tmpdir(), "imi-erase-"));
    const dataDir = join(work, "node");
    const first = await up(dataDir);
    expect(first.summary).toMatchObject({ ok: true, deployedNow: true });
    await first.stop();
    const password = (await readFile(join(dataDir, "keys", "password"), "utf8")).trim();
    const masterKey = Buffer.from((await (await openKeyRing(dataDir, {})).privateKey("vault")).slice(2), "hex");
    // The vault as the node opens it (startNode: the same register path for this data directory).
    const vaultOf = (dir: string, register?: string) => LevelVault.open({ dir: join(dir, "gateway", "vault"), masterKey, erasureRegister: register });
    const erased = hexlify(randomBytes(32));
    const kept = hexlify(randomBytes(32));
    let vault = await vaultOf(dataDir, erasureRegisterPath(dataDir, {}));
    await vault.put(erased, { identity: { name: "张三", idNumber: "110101199001011234" } });
    await vault.put(kept, { identity: { name: "李四", idNumber: "110101199202022345" } });
    await vault.close();

    const archive = join(work, "before-erasure.tar.gz");
    const made = await run(["--json", "backup", "--data-dir", dataDir, "--out", archive]);
    expect(made.code, JSON.stringify(made.json)).toBe(0);

    vault = await vaultOf(dataDir, erasureRegisterPath(dataDir, {}));
    expect(await vault.erase(erased)).toBe(true);
    await vault.close();

    // Without the newer register the restore is refused, and writes nothing.
    const refusedDir = join(work, "refused");
    const refused = await run(["--json", "restore", archive, "--data-dir", refusedDir]);
    expect(refused.json).toMatchObject({ ok: false, error: { code: "RESTORE_ERASURES_REQUIRED" } });
    expect(refused.code).toBe(2);
    await expect(access(refusedDir)).rejects.toThrow();

    // Control: the archive does hold the record (this is what a plain restore brought back).
    const plainDir = join(work, "plain");
    expect((await run(["--json", "restore", archive, "--data-dir", plainDir, "--no-erasures"])).code).toBe(0);
    vault = await vaultOf(plainDir);
    expect(await vault.get(erased)).toMatchObject({ identity: { name: "张三" } });
    await vault.close();

    // The restore with the lost node's register; the restored node starts and the record is gone.
    const restoredDir = join(work, "restored");
    const restored = await run(["--json", "restore", archive, "--data-dir", restoredDir, "--erasures", erasureRegisterPath(dataDir, {})]);
    expect(restored.json).toMatchObject({ ok: true, erasuresMerged: 1 });
    await (await up(restoredDir, { ...process.env, IMI_KEY_PASSWORD: password })).stop();
    vault = await vaultOf(restoredDir); // no register: what the node's start left on disk
    expect(await vault.get(erased)).toBeUndefined();
    expect(await vault.get(kept)).toMatchObject({ identity: { name: "李四" } });
    await vault.close();

    // A citizen registered again after the erasure gets a fresh data key, which the tombstone does not touch.
    vault = await vaultOf(restoredDir, erasureRegisterPath(restoredDir, {}));
    await vault.put(erased, { identity: { name: "张三" } });
    await vault.close();
    vault = await vaultOf(restoredDir, erasureRegisterPath(restoredDir, {}));
    expect(await vault.get(erased)).toMatchObject({ identity: { name: "张三" } });
    await vault.close();
  });
});
