// The vault's erasure register: one line per erasure, "<citizen id> <sha256 of the wrapped data
// key>", appended and synced before the data key is deleted, and applied again whenever the vault
// opens. The line names the data key that was destroyed, not just the citizen: a citizen who is
// registered again later gets a fresh data key, which no earlier tombstone touches.
//
// Why: a backup taken before an erasure holds the citizen's wrapped data key and the master key,
// so restoring it would bring the record back. The register is what outlives such a restore: it
// can live outside the data directory (IMI_ERASURE_REGISTER, e.g. on replicated storage), and
// `imi restore --erasures <file>` carries a newer register into a restored directory. The vault
// re-erases every citizen it lists on open, so a restored record is gone before any read.
// The ids are the pseudonymous bytes32 citizen ids that are on chain anyway, the fingerprints hash
// random keys: no personal data.
import { createHash } from "node:crypto";
import { mkdir, open, readFile } from "node:fs/promises";
import { dirname } from "node:path";

const LINE = /^(0x[0-9a-f]{64}) ([0-9a-f]{64})$/;

export type Erasure = { citizen: string; key: string };

/** The fingerprint a tombstone names a wrapped data key by. */
export function keyFingerprint(wrapped: Uint8Array): string {
  return createHash("sha256").update(wrapped).digest("hex");
}

/** Destroyed data keys by citizen id (lower case); an absent register lists none. */
export async function readErasureRegister(path: string): Promise<Map<string, Set<string>>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw error;
  }
  const erased = new Map<string, Set<string>>();
  for (const line of text.split("\n")) {
    // A line cut short by a crash mid-append matches nothing and names no one.
    const match = LINE.exec(line.trim().toLowerCase());
    if (!match) continue;
    const keys = erased.get(match[1]) ?? new Set<string>();
    keys.add(match[2]);
    erased.set(match[1], keys);
  }
  return erased;
}

/** Appends tombstones to the register and syncs it (the register only grows). */
export async function appendErasures(path: string, erasures: Iterable<Erasure>): Promise<void> {
  const lines = [...erasures].map((e) => `${e.citizen.toLowerCase()} ${e.key}\n`).join("");
  if (lines === "") return;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const file = await open(path, "a", 0o600);
  try {
    // A fresh line first: the last append may have been cut short by a crash.
    await file.write("\n" + lines);
    await file.sync();
  } finally {
    await file.close();
  }
}
