import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { pino, type Level } from "pino";
import { CliError, EXIT } from "../CliError.js";
import { NodeError } from "../../node/NodeError.js";
import type { Chain, GenesisInput } from "../../node/chain/index.js";

export type ChainStartOptions = {
  dataDir: string;
  port: number;
  host: string;
  /** Genesis JSON file for a new data directory (checked against the stored one later). */
  genesis?: string;
  /** Validator key file; defaults to `<dataDir>/validator.key`, created on first start. */
  validatorKeyFile?: string;
  /** Extra accounts for the default genesis allowlist. */
  allow: string[];
  accountRules?: string;
  blockIntervalMs: number;
  logLevel: Level;
};

export type ChainStartResult = {
  url: string;
  wsUrl: string;
  chainId: number;
  validator: string;
  dataDir: string;
  head: string;
};

const CONFIG_CODES = new Set(["CHAIN_CONFIG_INVALID", "CHAIN_GENESIS_MISMATCH", "CHAIN_GENESIS_MISSING", "CHAIN_VALIDATOR_MISMATCH"]);

function toCliError(err: unknown): unknown {
  if (!(err instanceof NodeError)) return err;
  const exitCode = CONFIG_CODES.has(err.code) ? EXIT.config : EXIT.unavailable;
  return new CliError(err.code, err.message, { exitCode, cause: err });
}

/** Starts the node and returns it running; the caller decides when to close it. */
export async function chainStart(options: ChainStartOptions): Promise<{ chain: Chain; result: ChainStartResult }> {
  // The EVM loads only for the command that runs it: every other `imi` command starts without it.
  const { addressOf, loadOrCreateValidatorKey, startChain, withFeeFloat } = await import("../../node/chain/index.js");
  const dataDir = resolve(options.dataDir);
  try {
    await mkdir(dataDir, { recursive: true });
    const validatorKey = await loadOrCreateValidatorKey(options.validatorKeyFile ?? join(dataDir, "validator.key"));
    const validator = addressOf(validatorKey);
    let genesis: GenesisInput | undefined;
    if (options.genesis !== undefined) {
      let text: string;
      try {
        text = await readFile(options.genesis, "utf8");
      } catch (cause) {
        throw new CliError("CHAIN_GENESIS_UNREADABLE", `--genesis: cannot read ${options.genesis}`, { exitCode: EXIT.config, cause });
      }
      try {
        genesis = JSON.parse(text) as GenesisInput;
      } catch (cause) {
        throw new CliError("CHAIN_GENESIS_UNREADABLE", `--genesis: ${options.genesis} is not valid JSON`, { exitCode: EXIT.config, cause });
      }
    }
    const chain = await startChain({
      dataDir,
      validatorKey,
      // A new data directory without --genesis gets the default: this validator, allowlisting itself and --allow, each with the fee float.
      genesis: genesis ?? (await hasChain(dataDir) ? undefined : withFeeFloat({ validator, allowlist: [validator, ...options.allow] })),
      host: options.host,
      port: options.port,
      accountRules: options.accountRules,
      blockIntervalMs: options.blockIntervalMs,
      logger: pino({ level: options.logLevel }, pino.destination(2)),
    });
    await writeFile(join(dataDir, "genesis.json"), `${JSON.stringify(chain.genesis, null, 2)}\n`);
    return {
      chain,
      result: { url: chain.url, wsUrl: chain.wsUrl, chainId: chain.chainId, validator: chain.validator, dataDir, head: chain.blockNumber().toString() },
    };
  } catch (err) {
    throw toCliError(err);
  }
}

async function hasChain(dataDir: string): Promise<boolean> {
  try {
    await readFile(join(dataDir, "chaindata", "CURRENT"));
    return true;
  } catch {
    return false;
  }
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerChainStart(program: Command): void {
  const chainCommand = program.commands.find((c) => c.name() === "chain") ?? program.command("chain").description("the embedded permissioned chain");
  chainCommand
    .command("start")
    .description("start the embedded chain node (JSON-RPC over HTTP and WebSocket); stops cleanly on SIGINT/SIGTERM")
    .option("--data-dir <dir>", "chain data directory (created on first start)", ".imi/chain")
    .option("--port <n>", "JSON-RPC port (0 picks a free one)", integer("--port", 0, 65_535), 8545)
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--genesis <file>", "genesis JSON for a new data directory; checked against the stored genesis on later starts")
    .option("--validator-key-file <file>", "validator private key file (default <data-dir>/validator.key, created if missing)")
    .option("--allow <address>", "add an account to the default genesis allowlist (repeatable)", collect, [])
    .option("--account-rules <address>", "AccountRules contract that decides who may send transactions")
    .option("--block-interval-ms <n>", "also seal blocks at this interval (0: only when transactions arrive)", integer("--block-interval-ms", 0, 3_600_000), 0)
    .option("--log-level <level>", "pino log level (logs go to stderr)", "info")
    .action(async (options: ChainStartOptions) => {
      const json = program.opts<{ json?: boolean }>().json === true;
      const { chain, result } = await chainStart(options);
      if (json) console.log(JSON.stringify({ ok: true, ...result }));
      else {
        console.log(`IMI chain ${result.chainId} listening on ${result.url} (WebSocket ${result.wsUrl})`);
        console.log(`validator ${result.validator}, head block ${result.head}, data in ${result.dataDir}`);
      }
      await new Promise<void>((done) => {
        process.once("SIGINT", done);
        process.once("SIGTERM", done);
      });
      await chain.close();
    });
}
