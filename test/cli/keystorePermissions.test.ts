// --keystore refuses a file that group or others can read, as the node's key ring does for its own.
// Every command that takes --keystore gets its key from loadKey.
import { spawnSync } from "node:child_process";
import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError, EXIT } from "../../cli/CliError.js";
import { loadKey } from "../../cli/internal/connect.js";

describe("--keystore file permissions", () => {
  it("refuses a 0644 keystore with KEYS_PERMISSIONS_TOO_OPEN (was: accepted) and accepts it at 0600", async () => {
    const dir = await mkdtemp(join(tmpdir(), "imi-keystore-"));
    const keystore = join(dir, "alice.json");
    const env = { ...process.env, IMI_KEYSTORE_PASSWORD: "correct horse battery" };
    const created = spawnSync(process.execPath, ["cli/bin/imi.js", "--json", "keys", "create", "--out", keystore], { env, encoding: "utf8" });
    expect(created.status).toBe(0);
    const address = (JSON.parse(created.stdout) as { address: string }).address;
    process.env.IMI_KEYSTORE_PASSWORD = env.IMI_KEYSTORE_PASSWORD;

    for (const mode of [0o644, 0o640, 0o604]) {
      await chmod(keystore, mode);
      const error = await loadKey({ keystore, dataDir: dir }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect(error).toMatchObject({ code: "KEYS_PERMISSIONS_TOO_OPEN", exitCode: EXIT.config, details: { mode: mode.toString(8) } });
    }
    await chmod(keystore, 0o600);
    expect((await loadKey({ keystore, dataDir: dir })).address).toBe(address);
  });
});
