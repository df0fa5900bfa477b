// The options every role command shares, kept apart from connect.ts so registering commands
// loads no SDK, chain or key code: that loads only when a command runs.
import { Command, Option } from "commander";
import { DEFAULT_DATA_DIR } from "../../node/runtime/config.js";

export type NodeOptions = { dataDir: string; rpc?: string; gateway?: string; deployment?: string };
export type KeyOptions = { key?: string; keystore?: string };

/** --data-dir, --rpc, --gateway, --deployment on a command. */
export function withNodeOptions(command: Command): Command {
  return command
    .addOption(new Option("--data-dir <dir>", "data directory of the running node").env("IMI_DATA_DIR").default(DEFAULT_DATA_DIR))
    .option("--rpc <url>", "chain JSON-RPC URL (default: the running node's)")
    .option("--gateway <url>", "gateway base URL (default: the running node's)")
    .option("--deployment <path>", "deployment manifest or Ignition deployment directory (default: <data-dir>/deployment.json)");
}

/** --key / --keystore on a command that signs. */
export function withKeyOptions(command: Command, role: string): Command {
  return command
    .option("--key <name>", `act as the ${role} with this key of the node's key ring (<data-dir>/keys/<name>.json)`)
    .option("--keystore <file>", `act as the ${role} with this Web3 keystore file (password: IMI_KEYSTORE_PASSWORD or a prompt)`);
}

