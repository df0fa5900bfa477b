import type { Command } from "commander";
import { DEFAULT_DATA_DIR } from "../../node/runtime/config.js";
import type { NodeStatus } from "../../node/runtime/nodeStatus.js";
import { CliError, EXIT } from "../CliError.js";

export async function status(options: { dataDir?: string }): Promise<NodeStatus> {
  const { nodeStatus } = await import("../../node/runtime/nodeStatus.js");
  const { NodeError } = await import("../../node/NodeError.js");
  try {
    return await nodeStatus({ dataDir: options.dataDir ?? process.env.IMI_DATA_DIR ?? DEFAULT_DATA_DIR });
  } catch (error) {
    if (error instanceof NodeError) throw new CliError(error.code, error.message, { exitCode: EXIT.unavailable, cause: error });
    throw error;
  }
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("is the node up: chain height, index lag, access log and anchoring, role holders")
    .option("--data-dir <dir>", "the node's data directory (env IMI_DATA_DIR, default .imi)")
    .action(async (options: { dataDir?: string }) => {
      const json = program.opts<{ json?: boolean }>().json === true;
      const s = await status(options);
      if (json) {
        console.log(JSON.stringify({ ok: true, ...s }));
        return;
      }
      console.log(`node        ${s.running ? `running (pid ${s.node?.pid})` : "stopped"}  data dir ${s.dataDir}`);
      if (s.node) console.log(`gateway     ${s.node.gatewayUrl}   chain RPC ${s.node.rpcUrl}`);
      console.log(`chain       id ${s.chainId}, head block ${s.headBlock}`);
      if (s.index) console.log(`index       block ${s.index.indexedBlock}, ${s.index.lagBlocks} behind, ${s.index.ready ? "ready" : "NOT READY"}`);
      const a = s.accessLog;
      console.log(`access log  ${a.lastSeq} records, anchored through ${a.anchoredThroughSeq}, ${a.pendingBatches} batch(es) pending, ${a.unbatchedRecords} record(s) unbatched${a.halted ? ", ANCHORING HALTED" : ""}`);
      for (const [role, holders] of Object.entries(s.roles)) console.log(`${role.padEnd(12)}${holders.join(", ") || "-"}`);
      if (a.halted || (s.index && !s.index.ready)) process.exitCode = EXIT.unavailable;
    });
}
