// Backup and restore of a stopped node's data directory as one .tar.gz.
//
// The node must be stopped: LevelDB files copied under a running node can be mid-compaction.
// The keystores go into the backup encrypted; the keystore password file does not, unless asked
// for, so that a stolen backup alone opens no key. A restore goes only into an empty directory and
// checks the archive's manifest and the key permissions before it reports success.
//
// Erasure: an archive holds every wrapped data key and the vault's master keystore as they were,
// so a citizen erased after the backup is in it. What keeps them erased is the vault's erasure
// register (node/vault/internal/erasureRegister.ts), which the vault applies every time it opens.
// A restore therefore needs the newest register: either it lives outside the data directory
// (IMI_ERASURE_REGISTER, the same for the restored node), or `--erasures <file>` brings it in.
// A restore with neither is refused unless the operator says there is none (`--no-erasures`).
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import * as tar from "tar";
import { NodeError } from "../NodeError.js";
import { readManifest } from "./deploy.js";
import { readNodeInfo } from "./nodeInfo.js";
import { appendErasures, readErasureRegister } from "../vault/internal/erasureRegister.js";

/** The vault's erasure register: IMI_ERASURE_REGISTER, else erasures.log in the data directory. */
export function erasureRegisterPath(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.IMI_ERASURE_REGISTER;
  if (configured) return isAbsolute(configured) ? configured : resolve(configured);
  return join(dataDir, "erasures.log");
}

export type BackupManifest = {
  format: "imi-backup-1";
  createdAt: number;
  chainId: number;
  contracts: Record<string, string>;
  includesPassword: boolean;
  files: Array<{ path: string; bytes: number; sha256: string }>;
};

const BACKUP_MANIFEST = "imi-backup.json";

async function walk(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path, base)));
    else if (entry.isFile()) out.push(relative(base, path));
  }
  return out.sort();
}

function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}

const skipped = (path: string, includePassword: boolean) =>
  path === "node.json" || path.endsWith("/LOCK") || path === "LOCK" || path === BACKUP_MANIFEST || (!includePassword && path === join("keys", "password"));

export async function backupDataDir(options: {
  dataDir: string;
  out: string;
  includePassword?: boolean;
  onProgress?: (done: number, total: number) => void;
}): Promise<BackupManifest> {
  if (await readNodeInfo(options.dataDir)) {
    throw new NodeError("BACKUP_NODE_RUNNING", `the node on ${options.dataDir} is running: stop it (Ctrl-C) before a backup`);
  }
  const deployment = await readManifest(options.dataDir);
  if (!deployment) throw new NodeError("BACKUP_NOT_A_DATA_DIR", `${options.dataDir} holds no deployment.json: nothing to back up`);
  const includePassword = options.includePassword === true;
  const files = (await walk(options.dataDir)).filter((path) => !skipped(path, includePassword));
  const manifest: BackupManifest = {
    format: "imi-backup-1",
    createdAt: Date.now(),
    chainId: deployment.chainId,
    contracts: { ...deployment.contracts },
    includesPassword: includePassword,
    files: [],
  };
  for (const [i, path] of files.entries()) {
    const full = join(options.dataDir, path);
    manifest.files.push({ path, bytes: (await stat(full)).size, sha256: await sha256(full) });
    options.onProgress?.(i + 1, files.length);
  }
  const manifestPath = join(options.dataDir, BACKUP_MANIFEST);
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  try {
    await tar.create({ gzip: true, file: options.out, cwd: options.dataDir, portable: false }, [BACKUP_MANIFEST, ...files]);
  } finally {
    await rm(manifestPath, { force: true });
  }
  await chmod(options.out, 0o600);
  return manifest;
}

export async function restoreDataDir(options: {
  archive: string;
  dataDir: string;
  /** Erasure registers newer than the archive (the lost node's, or its off-site copy): merged in. */
  erasures?: string[];
  /** The operator states that no newer erasure register exists. */
  noErasures?: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<BackupManifest & { erasuresMerged: number }> {
  const env = options.env ?? process.env;
  const erasures = options.erasures ?? [];
  if (erasures.length === 0 && !options.noErasures && !env.IMI_ERASURE_REGISTER) {
    throw new NodeError(
      "RESTORE_ERASURES_REQUIRED",
      "citizens erased after this backup would come back: give the newest erasure register with --erasures <file> (the lost node's erasures.log or its copy), set IMI_ERASURE_REGISTER, or pass --no-erasures if none exists",
    );
  }
  // Read them before anything is written: an unreadable register stops the restore.
  const tombstones: Array<{ citizen: string; key: string }> = [];
  for (const file of erasures) {
    let register: Map<string, Set<string>>;
    try {
      await stat(file);
      register = await readErasureRegister(file);
    } catch (cause) {
      throw new NodeError("RESTORE_BAD_ERASURES", `--erasures ${file} cannot be read`, { cause });
    }
    for (const [citizen, keys] of register) for (const key of keys) tombstones.push({ citizen, key });
  }
  let existing: string[] = [];
  try {
    existing = await readdir(options.dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (existing.length > 0) {
    throw new NodeError("RESTORE_TARGET_NOT_EMPTY", `${options.dataDir} is not empty: restore into a new directory`);
  }
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  try {
    await tar.extract({ file: options.archive, cwd: options.dataDir, strict: true, preserveOwner: false });
  } catch (cause) {
    await rm(options.dataDir, { recursive: true, force: true });
    throw new NodeError("RESTORE_BAD_ARCHIVE", `${options.archive} is not a readable IMI backup`, { cause });
  }
  const manifestPath = join(options.dataDir, BACKUP_MANIFEST);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, "utf8")) as BackupManifest;
    if (manifest.format !== "imi-backup-1") throw new Error(`format ${String(manifest.format)}`);
    for (const file of manifest.files) {
      const digest = await sha256(join(options.dataDir, file.path));
      if (digest !== file.sha256) throw new Error(`${file.path} does not match its checksum`);
    }
  } catch (cause) {
    await rm(options.dataDir, { recursive: true, force: true });
    throw new NodeError("RESTORE_BAD_ARCHIVE", `${options.archive} failed its integrity check`, { cause });
  }
  await rm(manifestPath, { force: true });
  await chmod(join(options.dataDir, "keys"), 0o700);
  for (const entry of await readdir(join(options.dataDir, "keys"))) await chmod(join(options.dataDir, "keys", entry), 0o600);
  // The vault applies these when the restored node opens it, before anything is read.
  await appendErasures(erasureRegisterPath(options.dataDir, env), tombstones);
  return { ...manifest, erasuresMerged: tombstones.length };
}
