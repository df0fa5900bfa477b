// How other processes (the `imi` commands) find a running node: <dataDir>/node.json, written
// when the node is serving and removed when it stops cleanly. A file left by a killed node is
// recognised by its pid no longer running.
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export type NodeInfo = {
  pid: number;
  startedAt: number;
  chainId: number;
  /** HTTP JSON-RPC of the chain the node uses (embedded or external). */
  rpcUrl: string;
  wsUrl?: string;
  gatewayUrl: string;
  /** The gateway's account: its access-log identity. */
  gateway: string;
  governor: string;
  embeddedChain: boolean;
  /** After a migration: the retired chain, served read-only by the node (node/runtime/migration.ts). */
  retiredRpcUrl?: string;
};

export async function writeNodeInfo(dataDir: string, info: NodeInfo): Promise<void> {
  const path = join(dataDir, "node.json");
  await writeFile(path + ".tmp", JSON.stringify(info, null, 2) + "\n", { mode: 0o644 });
  await rename(path + ".tmp", path);
}

export async function removeNodeInfo(dataDir: string): Promise<void> {
  await rm(join(dataDir, "node.json"), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The running node's info, or undefined when no node is running on this data directory. */
export async function readNodeInfo(dataDir: string): Promise<NodeInfo | undefined> {
  let info: NodeInfo;
  try {
    info = JSON.parse(await readFile(join(dataDir, "node.json"), "utf8")) as NodeInfo;
  } catch {
    return undefined;
  }
  return alive(info.pid) ? info : undefined;
}

/**
 * A node that runs against an external chain (Besu, Hardhat's node) records its endpoint here, so
 * that tools reading a stopped node's data (audit, status) know where its chain is.
 */
export async function writeExternalChain(dataDir: string, chain: { rpcUrl: string; wsUrl?: string }): Promise<void> {
  await writeFile(join(dataDir, "external-chain.json"), JSON.stringify(chain, null, 2) + "\n", { mode: 0o644 });
}

export async function readExternalChain(dataDir: string): Promise<{ rpcUrl: string; wsUrl?: string } | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, "external-chain.json"), "utf8")) as { rpcUrl: string; wsUrl?: string };
  } catch {
    return undefined;
  }
}
