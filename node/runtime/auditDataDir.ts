// `audit verify` on a node's data directory, whether the node is running or stopped.
//
// Running: the access log's LevelDB is locked by the node, so the node serves a snapshot of it
// (logExport.ts) and the chain is read through the node's JSON-RPC. The chain's head is read
// before the snapshot is taken: a batch anchored in a block up to that head was cut (and written)
// before its transaction was sent, so it is in the snapshot, and one missing there is a break. A
// batch anchored in a later block may have been cut after the snapshot: it is counted as pending
// and checked by the next run, never reported as missing. Stopped: the log is opened directly and
// the embedded chain is started from the data directory on a private loopback port just long
// enough to read the anchors.
import { join } from "node:path";
import { createAnchorTarget, openAccessLog, verifyAccessLog, type AuditableLog, type AuditOptions, type AuditReport, type ChainBatch } from "../accesslog/index.js";
import { openChainReader } from "./chainReader.js";
import { NodeError } from "../NodeError.js";
import { readManifest } from "./deploy.js";
import { readRetiredChain } from "./migration.js";
import { openKeyRing } from "./keys.js";
import { openLogSnapshot } from "./logExport.js";
import { readNodeInfo } from "./nodeInfo.js";

export type DataDirAuditReport = AuditReport & {
  nodeRunning: boolean;
  rpcUrl: string;
  /** Batches anchored on chain after the running node's log was snapshotted: checked by the next run. */
  pendingBatches: number;
};

export async function auditDataDir(options: {
  dataDir: string;
  /** Read anchors from this endpoint instead of the node's own chain. */
  rpcUrl?: string;
  env?: NodeJS.ProcessEnv;
  audit?: AuditOptions;
}): Promise<DataDirAuditReport> {
  const manifest = await readManifest(options.dataDir);
  if (!manifest) {
    throw new NodeError("AUDIT_NO_DEPLOYMENT", `${options.dataDir} holds no deployment.json: is it an IMI data directory?`);
  }
  const info = await readNodeInfo(options.dataDir);
  const keys = await openKeyRing(options.dataDir, options.env);
  const gateway = await keys.address("gateway");
  const logDir = join(options.dataDir, "gateway", "accesslog");
  const cleanup: Array<() => Promise<void>> = [];
  try {
    const reader = await openChainReader({ dataDir: options.dataDir, chainId: manifest.chainId, keys, rpcUrl: options.rpcUrl });
    cleanup.push(() => reader.close());
    const rpcUrl = reader.rpcUrl;
    let log: AuditableLog;
    let snapshotHead = Number.POSITIVE_INFINITY;
    if (info) {
      try {
        snapshotHead = await reader.provider.getBlockNumber();
      } catch (cause) {
        throw new NodeError("AUDIT_CHAIN_UNAVAILABLE", `cannot read the chain's head from ${rpcUrl}`, { cause });
      }
      const snapshot = await openLogSnapshot(options.dataDir);
      cleanup.push(async () => snapshot.close());
      log = snapshot;
    } else {
      const opened = await openAccessLog({ dir: logDir, gateway });
      cleanup.push(() => opened.close());
      log = opened;
    }

    const target = createAnchorTarget({ runner: reader.provider, accessLogAddress: manifest.contracts.accessLog, gateway, fromBlock: manifest.fromBlock });
    let anchored: ChainBatch[];
    try {
      anchored = await target.anchoredBatches();
    } catch (cause) {
      throw new NodeError("AUDIT_CHAIN_UNAVAILABLE", `cannot read the anchored batches from ${rpcUrl}`, { cause });
    }
    // After a migration the batches anchored before it are on the retired chain, which ends at the
    // block whose state the network above continues: the log is checked across the boundary.
    const continues = manifest.continues;
    if (continues !== undefined) {
      const before = await readRetiredChain(options.dataDir, continues, keys, (provider) =>
        createAnchorTarget({ runner: provider, accessLogAddress: manifest.contracts.accessLog, gateway, fromBlock: continues.fromBlock }).anchoredBatches(),
      );
      anchored = [...before, ...anchored];
    }
    const { checked, pending } = splitAtSnapshot(anchored, log.listBatches().length, snapshotHead);
    const report = await verifyAccessLog(log, checked, options.audit);
    return { ...report, nodeRunning: info !== undefined, rpcUrl, pendingBatches: pending.length };
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
}

/**
 * The anchored batches the snapshot must hold (every one it has a header for, and every one
 * anchored by `head`), and those anchored later that it need not hold yet. Both are runs of the
 * chain's order, since batches are anchored in index order.
 */
export function splitAtSnapshot(anchored: readonly ChainBatch[], localBatches: number, head: number): { checked: ChainBatch[]; pending: ChainBatch[] } {
  let cut = 0;
  while (cut < anchored.length && (anchored[cut].index < localBatches || anchored[cut].blockNumber <= head)) cut++;
  return { checked: anchored.slice(0, cut), pending: anchored.slice(cut) };
}
