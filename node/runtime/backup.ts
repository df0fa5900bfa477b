// Backup and restore of a stopped node's data directory as one .tar.gz.
//
// The node must be stopped: LevelDB files copied under a running node can be mid-compaction.
// The keystores go into the backup encrypted; the keystore password file does not, unless asked
// for, so that a stolen backup alone opens no key. A restore goes only into an empty directory and
// checks the archive's manifest and the key permissions before it reports success.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import * as tar from "tar";
import { NodeError } from "../NodeError.js";
import { readManifest } from "./deploy.js";
import { readNodeInfo } from "./nodeInfo.js";

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

export async function restoreDataDir(options: { archive: string; dataDir: string }): Promise<BackupManifest> {
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
  return manifest;
}
