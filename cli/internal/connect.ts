// Finds the node a command talks to and the key it acts with.
//
// The node: --rpc / --gateway / --deployment when given (any EVM node, Hardhat's or Besu), else
// what the running node in --data-dir published (node.json, deployment.json). The key: --key
// <name> from the node's key ring, or --keystore <file> (a person's own Web3 keystore; password
// from IMI_KEYSTORE_PASSWORD or a prompt). Keys are never printed.
import { access, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import { createImiClient, type ImiClient } from "../../sdk/clients/createImiClient.js";
import { loadDeployment } from "../../sdk/clients/loadDeployment.js";
import type { ImiDeployment } from "../../sdk/clients/deployment.js";
import { decryptKeystore } from "../../sdk/keys/keystore.js";
import { privateKeyToAccount, type LocalAccount } from "../../sdk/keys/privateKeyToAccount.js";
import type { Hex } from "../../sdk/types.js";
import { DEFAULT_DATA_DIR } from "../../node/runtime/config.js";
import { openKeyRing } from "../../node/runtime/keys.js";
import { readManifest } from "../../node/runtime/deploy.js";
import { readNodeInfo } from "../../node/runtime/nodeInfo.js";
import { CliError, EXIT } from "../CliError.js";
import { usage } from "./errors.js";
import { askSecret } from "./prompt.js";

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
    .option("--key <name>", `${role} key in the node's key ring (<data-dir>/keys/<name>.json)`)
    .option("--keystore <file>", `${role}'s own Web3 keystore file (password: IMI_KEYSTORE_PASSWORD or a prompt)`);
}

export type Node = {
  dataDir: string;
  rpcUrl: string;
  gatewayUrl: string | undefined;
  deployment: ImiDeployment;
  governor: string | undefined;
  /** A client for this node, acting as `account` when given. */
  client(account?: LocalAccount): ImiClient;
  /** The gateway URL, or a clear error when none is known. */
  requireGateway(): string;
};

export async function connect(options: NodeOptions): Promise<Node> {
  const dataDir = resolve(options.dataDir);
  const info = options.rpc && options.deployment ? undefined : await readNodeInfo(dataDir);
  const rpcUrl = options.rpc ?? info?.rpcUrl;
  if (!rpcUrl)
    throw new CliError("NODE_NOT_RUNNING", `no node is running on ${dataDir}: start one with \`imi up --data-dir ${options.dataDir}\`, or pass --rpc and --deployment`, {
      exitCode: EXIT.unavailable,
    });
  if (!/^https?:\/\//.test(rpcUrl)) throw usage("INVALID_URL", `--rpc: ${JSON.stringify(rpcUrl)} is not an http(s) URL`);
  if (options.gateway !== undefined && !/^https?:\/\//.test(options.gateway)) throw usage("INVALID_URL", `--gateway: ${JSON.stringify(options.gateway)} is not an http(s) URL`);
  let deployment: ImiDeployment;
  let governor: string | undefined = info?.governor;
  if (options.deployment) {
    deployment = loadDeployment(options.deployment);
    const raw = JSON.parse(await readFile(options.deployment, "utf8").catch(() => "{}")) as { governor?: string };
    governor ??= raw.governor;
  } else {
    const manifest = await readManifest(dataDir).catch(() => undefined);
    if (!manifest)
      throw new CliError("DEPLOYMENT_NOT_FOUND", `no deployment.json in ${dataDir}: pass --deployment <path> or start the node with \`imi up\``, {
        exitCode: EXIT.config,
      });
    deployment = manifest;
    governor ??= manifest.governor;
  }
  const gatewayUrl = (options.gateway ?? info?.gatewayUrl)?.replace(/\/$/, "");
  return {
    dataDir,
    rpcUrl,
    gatewayUrl,
    deployment,
    governor,
    client: (account) => createImiClient({ rpc: rpcUrl, deployment, account, gateway: gatewayUrl }),
    requireGateway() {
      if (!gatewayUrl)
        throw new CliError("GATEWAY_NOT_FOUND", "no gateway known: pass --gateway <url> or start the node with `imi up`", { exitCode: EXIT.unavailable });
      return gatewayUrl;
    },
  };
}

/** The key a command acts with. Exactly one of --key and --keystore (or the role's default key name). */
export async function loadKey(options: KeyOptions & { dataDir: string }, defaultKey?: string): Promise<LocalAccount> {
  if (options.key !== undefined && options.keystore !== undefined) throw usage("KEY_AMBIGUOUS", "give either --key or --keystore, not both");
  if (options.keystore !== undefined) {
    let json: string;
    try {
      json = await readFile(options.keystore, "utf8");
    } catch {
      throw usage("KEYSTORE_UNREADABLE", `--keystore: cannot read ${options.keystore}`);
    }
    const password = process.env.IMI_KEYSTORE_PASSWORD || (await askSecret(`password for ${options.keystore}: `));
    return decryptKeystore(json, password);
  }
  const name = options.key ?? defaultKey;
  if (name === undefined) throw usage("KEY_REQUIRED", "say who acts: --key <name> (the node's key ring) or --keystore <file>");
  const dataDir = resolve(options.dataDir);
  // Check first: opening the key ring of a directory without one would create it.
  try {
    await access(join(dataDir, "keys", `${name}.json`));
  } catch {
    throw usage("KEY_NOT_FOUND", `--key: no key named ${JSON.stringify(name)} in ${join(dataDir, "keys")}`);
  }
  const ring = await openKeyRing(dataDir);
  return privateKeyToAccount((await ring.privateKey(name, { create: false })) as Hex);
}
