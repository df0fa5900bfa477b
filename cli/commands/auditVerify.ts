import type { Command } from "commander";
import type { DataDirAuditReport } from "../../node/runtime/auditDataDir.js";
import { DEFAULT_DATA_DIR } from "../../node/runtime/config.js";
import { CliError, EXIT } from "../CliError.js";

export type AuditVerifyOptions = { dataDir?: string; rpc?: string; graceSeconds?: number; quiet?: boolean };

/** Exit status of `imi audit verify` when the log is not intact. */
export const EXIT_LOG_BROKEN = 5;

export async function auditVerify(options: AuditVerifyOptions, progress?: (line: string) => void): Promise<DataDirAuditReport> {
  const dataDir = options.dataDir ?? process.env.IMI_DATA_DIR ?? DEFAULT_DATA_DIR;
  const { auditDataDir } = await import("../../node/runtime/auditDataDir.js");
  const { NodeError } = await import("../../node/NodeError.js");
  try {
    return await auditDataDir({
      dataDir,
      rpcUrl: options.rpc,
      audit: {
        graceMs: (options.graceSeconds ?? 30) * 1000,
        progressEvery: 100_000,
        onProgress: (n) => progress?.(`  ${n.toLocaleString("en-US")} records verified ...`),
      },
    });
  } catch (error) {
    if (error instanceof NodeError) throw new CliError(error.code, error.message, { exitCode: EXIT.unavailable, cause: error });
    throw error;
  }
}

export function registerAuditVerify(program: Command): void {
  const audit = program.commands.find((c) => c.name() === "audit") ?? program.command("audit").description("auditor commands");
  audit
    .command("verify")
    .description("re-read the whole access log, rebuild every batch and check it against the roots anchored on chain")
    .option("--data-dir <dir>", "the node's data directory, running or stopped (env IMI_DATA_DIR, default .imi)")
    .option("--rpc <url>", "read the anchors from this JSON-RPC endpoint instead of the node's chain")
    .option("--grace <seconds>", "records younger than this may still be unanchored (default 30)", (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new CliError("USAGE", `--grace ${v}: give seconds >= 0`, { exitCode: EXIT.usage });
      return n;
    })
    .action(async (options: { dataDir?: string; rpc?: string; grace?: number }) => {
      const json = program.opts<{ json?: boolean }>().json === true;
      const report = await auditVerify(
        { dataDir: options.dataDir, rpc: options.rpc, graceSeconds: options.grace },
        json ? undefined : (line) => process.stderr.write(line + "\n"),
      );
      if (json) console.log(JSON.stringify(report));
      else {
        const b = report.firstBreak;
        console.log(`access log of gateway ${report.gateway} (node ${report.nodeRunning ? "running" : "stopped"})`);
        console.log(`  records checked   ${report.recordsChecked.toLocaleString("en-US")} (last seq ${report.lastSeq})`);
        console.log(`  batches checked   ${report.batchesChecked.toLocaleString("en-US")} (anchored through seq ${report.anchoredThroughSeq})`);
        console.log(`  pending           ${report.pendingRecords} record(s) not yet anchored, within the grace period`);
        if (report.pendingBatches > 0) console.log(`  pending batches   ${report.pendingBatches} anchored after the running node's log was read: checked by the next run`);
        console.log(`  speed             ${report.recordsPerSecond.toLocaleString("en-US")} records/s`);
        console.log(b ? `BROKEN at seq ${b.seq ?? "?"}${b.batch !== undefined ? ` (batch ${b.batch})` : ""}: ${b.kind} — ${b.detail}` : "INTACT: every record is present, unaltered, in order and anchored");
      }
      if (!report.ok) process.exitCode = EXIT_LOG_BROKEN;
    });
}
