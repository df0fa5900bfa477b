import type { Command } from "commander";
import type { AllowlistSyncRound, AllowlistSyncStatus } from "../../node/runtime/allowlistSync.js";
import { DEFAULT_DATA_DIR } from "../../node/runtime/config.js";
import { CliError, EXIT } from "../CliError.js";

export type AllowlistSyncCommandOptions = { dataDir?: string; validators?: string[]; rpc?: string; status?: boolean };

/**
 * One round of the allowlist synchroniser (each validator's local allowlist brought equal to
 * AccountRules), or with `status` the last round the running node recorded.
 */
export async function allowlistSync(options: AllowlistSyncCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<{ round?: AllowlistSyncRound; status?: AllowlistSyncStatus }> {
  const dataDir = options.dataDir ?? env.IMI_DATA_DIR ?? DEFAULT_DATA_DIR;
  const { NodeError } = await import("../../node/NodeError.js");
  const sync = await import("../../node/runtime/allowlistSync.js");
  try {
    if (options.status) {
      const status = await sync.readAllowlistSyncStatus(dataDir);
      if (!status) throw new CliError("ALLOWLIST_NO_STATUS", `no allowlist round recorded in ${dataDir}: the node runs it when started with --rpc-url and chain.validators`, { exitCode: EXIT.unavailable });
      return { status };
    }
    const { loadConfig } = await import("../../node/runtime/config.js");
    const { readManifest } = await import("../../node/runtime/deploy.js");
    const { readExternalChain, readNodeInfo } = await import("../../node/runtime/nodeInfo.js");
    const config = await loadConfig({ flags: { dataDir }, env });
    const validators = options.validators ?? config.chain.validators ?? [];
    if (validators.length === 0) throw new CliError("ALLOWLIST_NO_VALIDATORS", "name the validators' PERM endpoints: --validators <url,...> or chain.validators in imi.json", { exitCode: EXIT.usage });
    const manifest = await readManifest(config.dataDir);
    if (!manifest) throw new CliError("NO_DEPLOYMENT", `${config.dataDir} holds no deployment.json: start the node once with imi up`, { exitCode: EXIT.config });
    const rpcUrl = options.rpc ?? (await readNodeInfo(config.dataDir))?.rpcUrl ?? (await readExternalChain(config.dataDir))?.rpcUrl ?? config.chain.rpcUrl;
    if (!rpcUrl) throw new CliError("ALLOWLIST_NO_CHAIN", "no network to read AccountRules from: give --rpc <url>", { exitCode: EXIT.usage });
    return { round: await sync.syncAllowlistOnce(await sync.allowlistSyncOptions(config.dataDir, manifest, rpcUrl, validators)) };
  } catch (error) {
    if (error instanceof NodeError) throw new CliError(error.code, error.message, { exitCode: error.code === "CONFIG_INVALID" ? EXIT.config : EXIT.unavailable, cause: error });
    throw error;
  }
}

export function registerAllowlistSync(program: Command): void {
  program
    .command("allowlist-sync")
    .description("bring every Besu validator's account allowlist equal to AccountRules once (PERM JSON-RPC), or show the running node's last round")
    .option("--data-dir <dir>", "the node's data directory (env IMI_DATA_DIR, default .imi)")
    .option("--validators <urls>", "comma-separated PERM endpoint of each validator (default: chain.validators in imi.json)", (v) => v.split(",").map((u) => u.trim()).filter(Boolean))
    .option("--rpc <url>", "read AccountRules from this endpoint (default: the node's network)")
    .option("--status", "show the last round the running node recorded instead of running one")
    .action(async (options: AllowlistSyncCommandOptions) => {
      const json = program.opts<{ json?: boolean }>().json === true;
      const result = await allowlistSync(options);
      const round = result.round ?? result.status?.round;
      const inStep = round?.inStep === true;
      if (json) console.log(JSON.stringify({ ok: inStep, ...result }));
      else {
        if (result.status) console.log(`last round at ${result.status.at}${result.status.error ? `: FAILED ${result.status.error.code}: ${result.status.error.message}` : ""}`);
        if (round) {
          console.log(`AccountRules allows ${round.allowlist.length} accounts`);
          for (const v of round.validators) {
            console.log(`  ${v.ok ? "in step" : "BEHIND "}  ${v.url}${v.ok ? `  +${v.added.length} -${v.removed.length}` : `  ${v.error?.code}: ${v.error?.message}`}`);
          }
          console.log(inStep ? "every validator enforces AccountRules" : "not every validator enforces AccountRules yet: a revocation is complete only when all are in step");
        }
      }
      if (!inStep) process.exitCode = EXIT.unavailable;
    });
}
