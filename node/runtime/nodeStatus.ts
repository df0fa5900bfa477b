// What `imi status` reports: is the node up, chain height, index lag, the access log and its
// anchoring, and who holds which role.
import { join } from "node:path";
import { Contract, getAddress } from "ethers";
import { openAccessLog } from "../accesslog/index.js";
import { roleNameOf } from "@imi-ledger/sdk";
import { NodeError } from "../NodeError.js";
import { openChainReader } from "./chainReader.js";
import { readManifest } from "./deploy.js";
import { openKeyRing } from "./keys.js";
import { readNodeInfo, type NodeInfo } from "./nodeInfo.js";

export type NodeStatus = {
  running: boolean;
  dataDir: string;
  node?: NodeInfo;
  chainId: number;
  headBlock: number;
  index?: { ready: boolean; indexedBlock: number; lagBlocks: number };
  accessLog: { lastSeq: number; anchoredThroughSeq: number; pendingBatches: number; unbatchedRecords: number; halted: boolean };
  roles: Record<string, string[]>;
  contracts: Record<string, string>;
};

function metric(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(name + " ") || l.startsWith(name + "{"));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

export async function nodeStatus(options: { dataDir: string; env?: NodeJS.ProcessEnv }): Promise<NodeStatus> {
  const manifest = await readManifest(options.dataDir);
  if (!manifest) throw new NodeError("STATUS_NOT_A_DATA_DIR", `${options.dataDir} holds no deployment.json: start a node there with imi up`);
  const info = await readNodeInfo(options.dataDir);
  const keys = await openKeyRing(options.dataDir, options.env);
  let index: NodeStatus["index"];
  let accessLog: NodeStatus["accessLog"];
  if (info) {
    const ready = (await (await fetch(`${info.gatewayUrl}/readyz`)).json()) as { ready: boolean; indexedBlock: number; lagBlocks: number };
    index = { ready: ready.ready, indexedBlock: ready.indexedBlock, lagBlocks: ready.lagBlocks };
    const metrics = await (await fetch(`${info.gatewayUrl}/metrics`)).text();
    accessLog = {
      lastSeq: metric(metrics, "imi_accesslog_last_seq") ?? 0,
      anchoredThroughSeq: metric(metrics, "imi_anchor_last_seq") ?? 0,
      pendingBatches: metric(metrics, "imi_anchor_pending_batches") ?? 0,
      unbatchedRecords: metric(metrics, "imi_anchor_unbatched_records") ?? 0,
      halted: metric(metrics, "imi_anchor_halted") === 1,
    };
  } else {
    const log = await openAccessLog({ dir: join(options.dataDir, "gateway", "accesslog"), gateway: await keys.address("gateway") });
    try {
      const batches = log.listBatches();
      accessLog = {
        lastSeq: log.lastSeq(),
        anchoredThroughSeq: batches.filter((b) => b.status === "anchored").at(-1)?.lastSeq ?? 0,
        pendingBatches: batches.filter((b) => b.status === "pending").length,
        unbatchedRecords: log.lastSeq() - log.lastBatchedSeq(),
        halted: false,
      };
    } finally {
      await log.close();
    }
  }
  const reader = await openChainReader({ dataDir: options.dataDir, chainId: manifest.chainId, keys });
  try {
    const headBlock = await reader.provider.getBlockNumber();
    const roles: Record<string, string[]> = {};
    if (manifest.contracts.accessManager) {
      const manager = new Contract(
        manifest.contracts.accessManager,
        [
          "event RoleGranted(uint64 indexed roleId, address indexed account, uint32 delay, uint48 since, bool newMember)",
          "event RoleRevoked(uint64 indexed roleId, address indexed account)",
        ],
        reader.provider,
      );
      const holders = new Map<string, Set<string>>();
      for (const log of await manager.queryFilter("*", manifest.fromBlock ?? 0, "latest")) {
        const parsed = manager.interface.parseLog(log);
        if (!parsed) continue;
        const role = roleNameOf(String(parsed.args.roleId)) ?? `role-${String(parsed.args.roleId)}`;
        const set = holders.get(role) ?? new Set<string>();
        holders.set(role, set);
        if (parsed.name === "RoleGranted") set.add(getAddress(parsed.args.account as string));
        else set.delete(getAddress(parsed.args.account as string));
      }
      for (const [role, set] of holders) roles[role] = [...set].sort();
    }
    return {
      running: info !== undefined,
      dataDir: options.dataDir,
      node: info,
      chainId: manifest.chainId,
      headBlock,
      index,
      accessLog,
      roles,
      contracts: { ...manifest.contracts },
    };
  } finally {
    await reader.close();
  }
}
