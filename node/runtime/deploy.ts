// Deploys IMI through the project's Ignition module on first start and reuses the result after:
// Ignition's journal lives in <dataDir>/ignition (so an interrupted deployment resumes where it
// stopped), and the manifest the SDK, the gateway and the CLI read is <dataDir>/deployment.json.
import { readFile, writeFile, rename } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
// Ignition (about 800 modules with lodash-es) is loaded only when a deployment is made: a restart
// reuses the manifest and should not pay for it.
import type { ArtifactResolver, Artifact } from "@nomicfoundation/ignition-core";
import { Wallet } from "ethers";
import type { Logger } from "pino";
import { parseDeployment, type ImiDeployment } from "@imi-ledger/sdk";
import { NodeError } from "../NodeError.js";
import { deploymentOnChain, type ContinuedChain } from "./migration.js";

/** `continues`: after a migration, the retired chain this network continues (node/runtime/migration.ts). */
export type DeploymentManifest = ImiDeployment & { governor: string; deployedAt: number; continues?: ContinuedChain };

export type RoleGrant = { role: number; account: string };

const ARTIFACTS = fileURLToPath(new URL("../../artifacts/contracts/", import.meta.url));

/** Reads Hardhat's build output for Ignition (the module names contracts by their artifact name). */
const artifactResolver: ArtifactResolver = {
  async loadArtifact(contractName: string): Promise<Artifact> {
    const file = join(ARTIFACTS, `${contractName}.sol`, `${contractName}.json`);
    try {
      return JSON.parse(await readFile(file, "utf8")) as Artifact;
    } catch (cause) {
      throw new NodeError("DEPLOY_ARTIFACT_MISSING", `no build of ${contractName}: run \`npm run build\` first`, { cause });
    }
  },
  async getBuildInfo() {
    return undefined;
  },
};

export async function readManifest(dataDir: string): Promise<DeploymentManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, "deployment.json"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const json = JSON.parse(text) as DeploymentManifest;
  return { ...parseDeployment(json), governor: json.governor, deployedAt: json.deployedAt, ...(json.continues ? { continues: json.continues } : {}) };
}

/**
 * Returns the data directory's deployment, deploying it first if there is none yet.
 * `rpcUrl` is any EVM JSON-RPC endpoint; the deployer signs locally.
 */
export async function ensureDeployment(options: {
  dataDir: string;
  rpcUrl: string;
  chainId: number;
  /** A function is asked only when there is nothing deployed yet: a restart needs neither key. */
  deployerKey: string | (() => Promise<string>);
  governor: string | (() => Promise<string>);
  grants: RoleGrant[];
  allowlist: string[] | (() => Promise<string[]>);
  recoveryDelaySeconds: number;
  logger?: Logger;
}): Promise<{ manifest: DeploymentManifest; deployedNow: boolean }> {
  const existing = await readManifest(options.dataDir);
  if (existing) {
    // Another chain is refused unless it is the network a migration moved this deployment to.
    return { manifest: await deploymentOnChain(options.dataDir, existing, options.rpcUrl, options.chainId, options.logger), deployedNow: false };
  }
  const deployerKey = typeof options.deployerKey === "string" ? options.deployerKey : await options.deployerKey();
  const governor = typeof options.governor === "string" ? options.governor : await options.governor();
  const deployer = new Wallet(deployerKey);
  if (deployer.address.toLowerCase() === governor.toLowerCase()) {
    throw new NodeError("DEPLOY_CONFIG_INVALID", "the governor must not be the deploying account: the deployer renounces every role");
  }
  // Hardhat's http network signs with local accounts, which is what Ignition needs over plain JSON-RPC.
  const { network } = await import("hardhat");
  const connection = await network.create({
    network: "imi",
    override: { url: options.rpcUrl, accounts: [deployerKey] },
  });
  const { default: ImiModule } = await import("../../ignition/modules/Imi.js");
  const { deploy } = await import("@nomicfoundation/ignition-core");
  try {
    const fromBlock = Number(BigInt((await connection.provider.request({ method: "eth_blockNumber" })) as string));
    options.logger?.info({ event: "deploy_start", chainId: options.chainId }, "deploying IMI contracts");
    const result = await deploy({
      provider: connection.provider,
      artifactResolver,
      deploymentDir: join(options.dataDir, "ignition"),
      ignitionModule: ImiModule,
      deploymentParameters: {
        Imi: {
          governor,
          roles: options.grants.map((g) => g.role),
          accounts: options.grants.map((g) => g.account),
          allowlist: typeof options.allowlist === "function" ? await options.allowlist() : options.allowlist,
          recoveryDelay: options.recoveryDelaySeconds,
        },
      },
      accounts: [deployer.address],
      defaultSender: deployer.address,
      config: { requiredConfirmations: 1 },
    });
    if (result.type !== "SUCCESSFUL_DEPLOYMENT") {
      throw new NodeError("DEPLOY_FAILED", `Ignition could not deploy IMI (${result.type})`, { details: { result: JSON.parse(JSON.stringify(result)) } });
    }
    const contracts = Object.fromEntries(Object.entries(result.contracts).map(([id, c]) => [id, c.address]));
    const deployment = parseDeployment({ chainId: options.chainId, contracts, fromBlock });
    const manifest: DeploymentManifest = { ...deployment, governor, deployedAt: Date.now() };
    const path = join(options.dataDir, "deployment.json");
    await writeFile(path + ".tmp", JSON.stringify(manifest, null, 2) + "\n", { mode: 0o644 });
    await rename(path + ".tmp", path);
    options.logger?.info({ event: "deploy_done", contracts: manifest.contracts }, "IMI contracts deployed");
    return { manifest, deployedNow: true };
  } finally {
    await connection.close();
  }
}
