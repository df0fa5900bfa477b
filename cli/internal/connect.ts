// Finds the node a command talks to and the key it acts with.
//
// The node: --rpc / --gateway / --deployment when given (any EVM node, Hardhat's or Besu), else
// what the running node in --data-dir published (node.json, deployment.json). The key: --key
// <name> from the node's key ring, or --keystore <file> (a person's own Web3 keystore; password
// from IMI_KEYSTORE_PASSWORD or a prompt). Keys are never printed.
import { access, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createImiClient, type ImiClient } from "@imi-ledger/sdk";
import { loadDeployment } from "@imi-ledger/sdk";
import { parseDeployment, type ImiDeployment } from "@imi-ledger/sdk";
import { decryptKeystore } from "@imi-ledger/sdk";
import { privateKeyToAccount, type LocalAccount } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { openKeyRing } from "../../node/runtime/keys.js";
import { readNodeInfo } from "../../node/runtime/nodeInfo.js";
import { CliError, EXIT } from "../CliError.js";
import { usage } from "./errors.js";
import { askSecret } from "./prompt.js";

export type { KeyOptions, NodeOptions } from "./options.js";
import type { KeyOptions, NodeOptions } from "./options.js";

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
    const manifest = await readManifest(dataDir);
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

/**
 * <dataDir>/deployment.json as node/runtime/deploy.ts writes it. Read here rather than through
 * deploy.ts, which loads Ignition: every command would pay for it at start-up.
 */
async function readManifest(dataDir: string): Promise<(ImiDeployment & { governor?: string }) | undefined> {
  let json: { governor?: string };
  try {
    json = JSON.parse(await readFile(join(dataDir, "deployment.json"), "utf8")) as { governor?: string };
  } catch {
    return undefined;
  }
  try {
    return { ...parseDeployment(json as never), governor: json.governor };
  } catch (cause) {
    throw new CliError("DEPLOYMENT_INVALID", `${join(dataDir, "deployment.json")} is not a deployment manifest`, { exitCode: EXIT.config, cause });
  }
}

/** The key a command acts with. Exactly one of --key and --keystore (or the role's default key name). */
export async function loadKey(options: KeyOptions & { dataDir: string }, defaultKey?: string): Promise<LocalAccount> {
  if (options.key !== undefined && options.keystore !== undefined) throw usage("KEY_AMBIGUOUS", "give either --key or --keystore, not both");
  if (options.keystore !== undefined) {
    let json: string;
    // As the node's key ring does: a key others can read is refused before it is used.
    const mode = await stat(options.keystore).then((s) => s.mode, () => undefined);
    if (mode !== undefined && (mode & 0o077) !== 0) {
      const octal = (mode & 0o777).toString(8);
      throw new CliError("KEYS_PERMISSIONS_TOO_OPEN", `--keystore ${options.keystore} is readable by others (mode ${octal}). Run: chmod 600 ${options.keystore}`, {
        exitCode: EXIT.config,
        details: { path: options.keystore, mode: octal },
      });
    }
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
