import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import type { ImiConfigInput } from "../../node/runtime/config.js";
import type { ImiNode } from "../../node/runtime/startNode.js";
import { CliError, EXIT } from "../CliError.js";

export type UpOptions = {
  dataDir?: string;
  config?: string;
  chainPort?: number;
  gatewayPort?: number;
  host?: string;
  rpcUrl?: string;
  logLevel?: string;
  demo?: boolean;
  /** Write the node's log lines to <data-dir>/logs/node.log instead of stdout (a person at a terminal reads the summary). */
  logToFile?: boolean;
};

export type UpSummary = {
  /** The web app (citizens, the service counter, agencies, auditors). */
  webUrl: string;
  gatewayUrl: string;
  docsUrl: string;
  rpcUrl: string;
  wsUrl?: string;
  chainId: number;
  dataDir: string;
  governor: string;
  gateway: string;
  deployedNow: boolean;
  embeddedChain: boolean;
  contracts: Record<string, string>;
  /** Where the node's log lines go when they are not on stdout. */
  logFile?: string;
};

/** Starts the whole node and returns it with what a person needs next. */
export async function up(options: UpOptions, env: NodeJS.ProcessEnv = process.env): Promise<{ node: ImiNode; summary: UpSummary }> {
  const flags: ImiConfigInput = {
    dataDir: options.dataDir,
    chain: { port: options.chainPort, rpcUrl: options.rpcUrl, host: options.host },
    gateway: { port: options.gatewayPort, host: options.host },
    logLevel: options.logLevel as never,
  };
  // Loaded when the command runs, so other commands start fast.
  const { startPhases } = await import("../../node/runtime/startPhases.js");
  const phases = startPhases();
  const { loadConfig } = await import("../../node/runtime/config.js");
  const { assertPortsFree } = await import("../../node/runtime/ports.js");
  const { openKeyRing, unlockNodeKeys } = await import("../../node/runtime/keys.js");
  const { NodeError } = await import("../../node/NodeError.js");
  phases.mark("cli");
  try {
    const config = await loadConfig({ flags, env, configFile: options.config });
    // The keystores' scrypt runs on libuv's thread pool: started before the node's own modules load
    // (the chain, gateway and indexer, a few hundred ms on the main thread), the two overlap on a
    // machine with more than one core. The ports are checked first: a busy port creates nothing.
    await assertPortsFree(config);
    const keys = await openKeyRing(config.dataDir, env);
    // A key that fails to decrypt is reported by startImiNode, which asks for it again.
    unlockNodeKeys(keys, "serving").catch(() => undefined);
    const { startImiNode } = await import("../../node/runtime/startNode.js");
    phases.mark("modules");
    if (options.demo) {
      // The demo agencies by name in the web app (GET /v1/directory), before the gateway starts.
      const { demoDirectory } = await import("./demo/directory.js");
      config.directory = await demoDirectory(config.dataDir, config.directory, env);
    }
    let logFile: string | undefined;
    let logger: import("pino").Logger | undefined;
    if (options.logToFile) {
      const { pino } = await import("pino");
      logFile = join(config.dataDir, "logs", "node.log");
      await mkdir(dirname(logFile), { recursive: true, mode: 0o700 });
      logger = pino({ level: config.logLevel }, pino.destination({ dest: logFile, mkdir: true, sync: false }));
    }
    const node = await startImiNode(config, { env, logger, keys, phases });
    const summary: UpSummary = {
      webUrl: `${node.info.gatewayUrl}/`,
      gatewayUrl: node.info.gatewayUrl,
      docsUrl: `${node.info.gatewayUrl}/docs`,
      rpcUrl: node.info.rpcUrl,
      wsUrl: node.info.wsUrl,
      chainId: node.info.chainId,
      dataDir: config.dataDir,
      governor: node.info.governor,
      gateway: node.info.gateway,
      deployedNow: node.deployedNow,
      embeddedChain: node.info.embeddedChain,
      contracts: { ...node.manifest.contracts },
      ...(logFile ? { logFile } : {}),
    };
    return { node, summary };
  } catch (error) {
    if (error instanceof NodeError) {
      const config = error.code === "CONFIG_INVALID" || error.code.startsWith("KEYS_");
      throw new CliError(error.code, error.message, { exitCode: config ? EXIT.config : EXIT.unavailable, cause: error });
    }
    throw error;
  }
}

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError("CONFIG_INVALID", `port ${value}: give 0 to 65535`, { exitCode: EXIT.usage });
  return n;
};

export function registerUp(program: Command): void {
  program
    .command("up")
    .description("start the node: embedded chain, contracts (deployed on first start), indexer, gateway")
    .option("--data-dir <dir>", "where the node keeps everything (env IMI_DATA_DIR)", undefined)
    .option("--config <file>", "configuration file (default <data-dir>/imi.json)")
    .option("--chain-port <port>", "JSON-RPC port of the embedded chain (default 8545; 0 picks a free one)", port)
    .option("--gateway-port <port>", "gateway port (default 8080; 0 picks a free one)", port)
    .option("--port <port>", "same as --gateway-port", port)
    .option("--host <host>", "interface to listen on (default 127.0.0.1)")
    .option("--rpc-url <url>", "use this EVM JSON-RPC endpoint instead of the embedded chain")
    .option("--log-level <level>", "fatal, error, warn, info, debug, trace or silent")
    .option("--demo", "also seed a demo world (registrar, issuer, two agencies, an auditor, three citizens with records, consents and accesses) by running imi demo")
    .action(async (options: UpOptions & { port?: number }) => {
      const json = program.opts<{ json?: boolean }>().json === true;
      if (options.port !== undefined) options.gatewayPort ??= options.port;
      // A person at a terminal gets a short summary; the node's JSON log lines go to a file unless
      // they asked for them (--log-level, IMI_LOG_LEVEL) or a program reads --json.
      const logToFile = !json && options.logLevel === undefined && !process.env.IMI_LOG_LEVEL;
      if (!json) console.error(`starting the IMI node${options.dataDir ? ` in ${options.dataDir}` : ""} (the first start deploys the contracts and takes a minute) ...`);
      const { node, summary } = await up(json ? { logLevel: "warn", ...options } : { ...options, logToFile });
      let demoResult: { ok: boolean; steps: unknown[] } | undefined;
      if (options.demo) {
        const { demo } = await import("./demo/story.js");
        if (!json) console.log("Seeding the demo world ...");
        demoResult = await demo({ dataDir: summary.dataDir }, (s) => {
          if (!json) console.log(`  ${s.ok ? "ok  " : "FAIL"}  ${s.step}: ${s.detail}`);
        });
      }
      if (json) {
        console.log(JSON.stringify({ ok: true, ...summary, ...(demoResult ? { demo: demoResult } : {}) }));
      } else {
        console.log("");
        console.log(`IMI node is up${summary.deployedNow ? " (contracts deployed on this first start)" : ""}`);
        console.log(`web app: ${summary.webUrl}  (open it in a browser; 中文 / English)`);
        console.log(`gateway: ${summary.gatewayUrl}  (API docs: ${summary.docsUrl})`);
        console.log(`rpc:     ${summary.rpcUrl}  (chain id ${summary.chainId}${summary.embeddedChain ? ", embedded" : ", external"})`);
        console.log(`data:    ${summary.dataDir}${summary.logFile ? `  (log: ${summary.logFile})` : ""}`);
        if (demoResult) console.log(`demo:    ${demoResult.ok ? "seeded" : "seeded with failures (see above)"}: keys demo-* in ${summary.dataDir}/keys`);
        console.log("");
        console.log(`next:    npx imi demo${summary.dataDir === resolve(".imi") ? "" : ` --data-dir ${summary.dataDir}`}   (in another terminal: the whole story, step by step)`);
        console.log("         docs/cli.md has every command; npx imi status shows the node's health");
        console.log("Press Ctrl-C to stop.");
      }
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          if (!json) console.log(`\n${signal}: stopping ...`);
          node.close().then(resolve, (error: unknown) => {
            console.error(error);
            resolve();
          });
        };
        process.once("SIGINT", () => stop("SIGINT"));
        process.once("SIGTERM", () => stop("SIGTERM"));
      });
    });
}
