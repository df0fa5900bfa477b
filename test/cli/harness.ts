// A real IMI node for the CLI tests: the same startImiNode that `imi up` runs (embedded chain,
// Ignition deployment, indexer, vault, access log with its anchorer, gateway) in a temp data
// directory, on free ports. The tests then run `imi` commands against it.
import { rm } from "node:fs/promises";
import { pino } from "pino";
import { loadConfig, type ImiConfigInput } from "../../node/runtime/config.js";
import { startImiNode, type ImiNode } from "../../node/runtime/startNode.js";
import { firstStartedDataDir } from "../helpers/firstStart.js";

export type TestNode = { dataDir: string; node: ImiNode; close(): Promise<void> };

/** `gateway` settings on top of the test defaults (a small registration budget, say). */
export async function startTestNode(gateway: ImiConfigInput["gateway"] = {}): Promise<TestNode> {
  // Contracts deployed already (test/helpers/firstStart.ts): this start opens the node's data.
  const dataDir = await firstStartedDataDir("imi-cli-");
  const config = await loadConfig({ flags: { dataDir, chain: { port: 0 }, gateway: { port: 0, ...gateway }, anchoring: { intervalMs: 200 }, logLevel: "silent" }, env: {} });
  const node = await startImiNode(config, { env: {}, logger: pino({ level: "silent" }) });
  return {
    dataDir,
    node,
    async close() {
      await node.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// Commands run in the test process through the CLI's own entry (see test/helpers/imi.ts);
// test/cli/binary.test.ts and the tests of servers and signals start the real binary.
export { imi, imiOnTerminal, imiProcess, type CliRun } from "../helpers/imi.js";
