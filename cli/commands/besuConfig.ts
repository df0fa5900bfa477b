import type { Command } from "commander";
import type { BesuConfigResult } from "../../node/runtime/besuConfig.js";
import { DEFAULT_DATA_DIR } from "../../node/runtime/config.js";
import { CliError, EXIT } from "../CliError.js";

export async function besuConfig(options: { dataDir?: string; out: string; validators?: number; hosts?: string[]; rpc?: string; chainId?: number }): Promise<BesuConfigResult> {
  const { writeBesuConfig } = await import("../../node/runtime/besuConfig.js");
  const { NodeError } = await import("../../node/NodeError.js");
  try {
    return await writeBesuConfig({
      dataDir: options.dataDir ?? process.env.IMI_DATA_DIR ?? DEFAULT_DATA_DIR,
      outDir: options.out,
      validators: options.validators,
      hosts: options.hosts,
      rpcUrl: options.rpc,
      chainId: options.chainId,
    });
  } catch (error) {
    if (error instanceof NodeError) {
      // A bad flag is usage; a data directory without a deployment to describe is configuration.
      const exitCode =
        error.code === "CONFIG_INVALID" ? EXIT.usage : error.code.startsWith("BESU_NO_") ? EXIT.config : error.code === "BESU_NODE_RUNNING" ? EXIT.unavailable : EXIT.failure;
      throw new CliError(error.code, error.message, { exitCode, cause: error });
    }
    throw error;
  }
}

export function registerBesuConfig(program: Command): void {
  program
    .command("besu-config")
    .description("move this stopped node to a Hyperledger Besu (QBFT) network: a genesis holding its whole state under a new chain id, validator keys and configs, account allowlist; retires the embedded chain")
    .requiredOption("--out <dir>", "directory to write the network files into")
    .option("--data-dir <dir>", "the node's data directory (env IMI_DATA_DIR, default .imi)")
    .option("--validators <n>", "number of validators (default 4)", (v) => Number(v))
    .option("--hosts <list>", "comma-separated host of each validator (default all 127.0.0.1)", (v) => v.split(",").map((h) => h.trim()))
    .option("--rpc <url>", "read AccountRules from this endpoint instead of the node's chain")
    .option("--chain-id <id>", "the Besu network's chain id (default: the embedded chain's + 1)", (v) => Number(v))
    .action(async (options: { out: string; dataDir?: string; validators?: number; hosts?: string[]; rpc?: string; chainId?: number }) => {
      const json = program.opts<{ json?: boolean }>().json === true;
      const result = await besuConfig(options);
      if (json) console.log(JSON.stringify({ ok: true, ...result }));
      else {
        console.log(`Besu QBFT network for chain ${result.chainId} written to ${result.outDir}`);
        console.log(`  state of chain ${result.previousChainId} at block ${result.retired.block}: ${result.accounts} accounts, ${result.slots} storage slots; that chain is retired`);
        for (const v of result.validators) console.log(`  ${v.name}  ${v.address}  ${v.rpcUrl}`);
        console.log(`  account allowlist: ${result.allowlist.length} accounts (from AccountRules)`);
        console.log("Next: docs/scale-out.md (start the validators, then imi up --rpc-url on this data directory).");
      }
    });
}
