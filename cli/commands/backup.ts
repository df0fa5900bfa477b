import type { Command } from "commander";
import type { BackupManifest } from "../../node/runtime/backup.js";
import { DEFAULT_DATA_DIR } from "../../node/runtime/config.js";
import { CliError, EXIT } from "../CliError.js";

const dataDirOf = (dir?: string) => dir ?? process.env.IMI_DATA_DIR ?? DEFAULT_DATA_DIR;

/** What the operator must change: the archive or target named (usage), or the data directory (config). */
const EXIT_OF: Record<string, (typeof EXIT)[keyof typeof EXIT]> = {
  RESTORE_BAD_ARCHIVE: EXIT.usage,
  RESTORE_TARGET_NOT_EMPTY: EXIT.usage,
  RESTORE_ERASURES_REQUIRED: EXIT.usage,
  RESTORE_BAD_ERASURES: EXIT.usage,
  BACKUP_NOT_A_DATA_DIR: EXIT.config,
};

function asCliError(error: unknown): never {
  if (error instanceof Error && "code" in error && typeof error.code === "string" && error.name === "NodeError") {
    throw new CliError(error.code, error.message, { exitCode: EXIT_OF[error.code] ?? EXIT.failure, cause: error });
  }
  throw error;
}

export async function backup(options: { dataDir?: string; out: string; includePassword?: boolean }, progress?: (done: number, total: number) => void): Promise<BackupManifest> {
  const { backupDataDir } = await import("../../node/runtime/backup.js");
  return backupDataDir({ dataDir: dataDirOf(options.dataDir), out: options.out, includePassword: options.includePassword, onProgress: progress }).catch(asCliError);
}

export async function restore(options: { dataDir?: string; archive: string; erasures?: string[]; noErasures?: boolean }): Promise<BackupManifest & { erasuresMerged: number }> {
  const { restoreDataDir } = await import("../../node/runtime/backup.js");
  return restoreDataDir({ dataDir: dataDirOf(options.dataDir), archive: options.archive, erasures: options.erasures, noErasures: options.noErasures }).catch(asCliError);
}

export function registerBackup(program: Command): void {
  const summary = (m: BackupManifest) => ({
    chainId: m.chainId,
    files: m.files.length,
    bytes: m.files.reduce((sum, f) => sum + f.bytes, 0),
    includesPassword: m.includesPassword,
    createdAt: new Date(m.createdAt).toISOString(),
  });
  program
    .command("backup")
    .description("write a stopped node's data directory to one .tar.gz (keys stay encrypted; the password file is left out)")
    .requiredOption("--out <file>", "archive to write")
    .option("--data-dir <dir>", "the node's data directory (env IMI_DATA_DIR, default .imi)")
    .option("--include-password", "also store keys/password (then the archive alone opens the keys)")
    .action(async (options: { out: string; dataDir?: string; includePassword?: boolean }) => {
      const json = program.opts<{ json?: boolean }>().json === true;
      let shown = -1;
      const manifest = await backup(options, (done, total) => {
        const pct = Math.floor((done / total) * 100);
        if (!json && process.stderr.isTTY && pct !== shown) {
          shown = pct;
          process.stderr.write(`\r  hashing files ${done}/${total} (${pct}%)`);
        }
      });
      if (!json && process.stderr.isTTY) process.stderr.write("\n");
      const s = summary(manifest);
      if (json) console.log(JSON.stringify({ ok: true, archive: options.out, ...s }));
      else {
        console.log(`backup written to ${options.out}: ${s.files} files, ${s.bytes.toLocaleString("en-US")} bytes, chain ${s.chainId}`);
        if (!s.includesPassword) console.log("the keystore password is NOT in the archive: keep IMI_KEY_PASSWORD or keys/password safe separately");
      }
    });
  program
    .command("restore")
    .description("restore a backup into a new, empty data directory")
    .argument("<archive>", "the .tar.gz written by imi backup")
    .option("--data-dir <dir>", "where to restore (must be empty or absent; env IMI_DATA_DIR, default .imi)")
    .option("--erasures <file>", "the newest erasure register (the lost node's erasures.log or its copy): citizens erased after the backup stay erased", (v: string, all: string[] = []) => [...all, v])
    .option("--no-erasures", "there is no erasure register newer than the archive (needed when neither --erasures nor IMI_ERASURE_REGISTER is given)")
    .action(async (archive: string, options: { dataDir?: string; erasures?: string[] | false }) => {
      const json = program.opts<{ json?: boolean }>().json === true;
      // commander turns --no-erasures into erasures === false.
      const manifest = await restore({ archive, dataDir: options.dataDir, erasures: options.erasures || undefined, noErasures: options.erasures === false });
      const s = summary(manifest);
      if (json) console.log(JSON.stringify({ ok: true, dataDir: dataDirOf(options.dataDir), ...s, erasuresMerged: manifest.erasuresMerged }));
      else {
        console.log(`restored ${s.files} files (chain ${s.chainId}, backed up ${s.createdAt}) into ${dataDirOf(options.dataDir)}`);
        if (manifest.erasuresMerged > 0) console.log(`${manifest.erasuresMerged} erasure(s) carried over: those citizens stay erased when the node starts`);
        if (!s.includesPassword) console.log("set IMI_KEY_PASSWORD (or put keys/password back, mode 0600) before imi up");
      }
    });
}
