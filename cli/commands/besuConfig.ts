import type { Command } from "commander";
import type { BesuConfigResult } from "../../node/runtime/besuConfig.js";
import { DEFAULT_DATA_DIR } from "../../node/runtime/config.js";
import { CliError, EXIT } from "../CliError.js";

export async function besuConfig(options: { dataDir?: string; out: string; validators?: number; hosts?: string[]; rpc?: string }): Promise<BesuConfigResult> {
  const { writeBesuConfig } = await import("../../node/runtime/besuConfig.js");
  const { NodeError } = await import("../../node/NodeError.js");
  try {
    return await writeBesuConfig({
      dataDir: options.dataDir ?? process.env.IMI_DATA_DIR ?? DEFAULT_DATA_DIR,
      outDir: options.out,
      validators: options.validators,
      hosts: options.hosts,
      rpcUrl: options.rpc,
    });
  } catch (error) {
    if (error instanceof NodeError) {
      // A bad flag is usage; a data directory without a deployment to describe is configuration.
      const exitCode = error.code === "CONFIG_INVALID" ? EXIT.usage : error.code.startsWith("BESU_NO_") ? EXIT.config : EXIT.failure;
      throw new CliError(error.code, error.message, { exitCode, cause: error });
    }
    throw error;
  }
}

export function registerBesuConfig(program: Command): void {
  program
    .command("besu-config")
    .description("write a Hyperledger Besu (QBFT) network for this node: genesis, validator keys and configs, account allowlist")
    .requiredOption("--out <dir>", "directory to write the network files into")
    .option("--data-dir <dir>", "the node's data directory (env IMI_DATA_DIR, default .imi)")
    .option("--validators <n>", "number of validators (default 4)", (v) => Number(v))
    .option("--hosts <list>", "comma-separated host of each validator (default all 127.0.0.1)", (v) => v.split(",").map((h) => h.trim()))
    .option("--rpc <url>", "read AccountRules from this endpoint instead of the node's chain")
    .action(async (options: { out: string; dataDir?: string; validators?: number; hosts?: string[]; rpc?: string }) => {
      const json = program.opts<{ json?: boolean }>().json === true;
      const result = await besuConfig(options);
      if (json) console.log(JSON.stringify({ ok: true, ...result }));
      else {
        console.log(`Besu QBFT network for chain ${result.chainId} written to ${result.outDir}`);
        for (const v of result.validators) console.log(`  ${v.name}  ${v.address}  ${v.rpcUrl}`);
        console.log(`  account allowlist: ${result.allowlist.length} accounts (from AccountRules)`);
        console.log("Next: docs/scale-out.md (start the validators, deploy with the Ignition module, point the gateway at them).");
      }
    });
}
