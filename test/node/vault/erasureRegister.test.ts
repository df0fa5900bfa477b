// The vault's erasure register: an erasure is recorded before the data key goes, and a vault opened
// from a copy taken before the erasure (a restored backup) deletes that key again before any read.
import { appendFile, cp, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { LevelVault } from "../../../node/vault/index.js";

const id = () => "0x" + randomBytes(32).toString("hex");

describe("vault erasure register", () => {
  it("a copy of the vault from before an erasure loses the erased record when opened (was: the record came back)", async () => {
    const work = await mkdtemp(join(tmpdir(), "imi-erasure-"));
    const masterKey = randomBytes(32);
    const register = join(work, "erasures.log");
    const live = join(work, "vault");
    const [erased, kept] = [id(), id()];
    let vault = await LevelVault.open({ dir: live, masterKey, erasureRegister: register });
    await vault.put(erased, { identity: { name: "张三" } });
    await vault.put(kept, { identity: { name: "李四" } });
    await vault.close();
    await cp(live, join(work, "backup"), { recursive: true });

    vault = await LevelVault.open({ dir: live, masterKey, erasureRegister: register });
    expect(await vault.erase(erased)).toBe(true);
    expect(await vault.erase(id())).toBe(false); // nothing to erase: no tombstone
    await vault.close();
    const lines = (await readFile(register, "utf8")).split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${erased} [0-9a-f]{64}$`));

    // Without the register the old copy still holds the record; with it, the record is gone on open.
    let restored = await LevelVault.open({ dir: join(work, "backup"), masterKey });
    expect(await restored.get(erased)).toMatchObject({ identity: { name: "张三" } });
    await restored.close();
    await appendFile(register, "0x12"); // a line cut short by a crash names no one
    restored = await LevelVault.open({ dir: join(work, "backup"), masterKey, erasureRegister: register });
    expect(await restored.get(erased)).toBeUndefined();
    expect(await restored.get(kept)).toMatchObject({ identity: { name: "李四" } });
    // Registered again later: a fresh data key the tombstone does not name.
    await restored.put(erased, { identity: { name: "张三" } });
    await restored.close();
    restored = await LevelVault.open({ dir: join(work, "backup"), masterKey, erasureRegister: register });
    expect(await restored.get(erased)).toMatchObject({ identity: { name: "张三" } });
    await restored.close();
  });
});
