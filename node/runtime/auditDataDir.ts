// `audit verify` on a node's data directory, whether the node is running or stopped.
//
// Running: the access log's LevelDB is locked by the node, so a copy of it is verified (taken
// file by file; a copy caught mid-compaction fails to open and is taken again), and the chain is
// read through the node's JSON-RPC. Stopped: the log is opened directly and the embedded chain is
// started from the data directory on a private loopback port just long enough to read the anchors.
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAnchorTarget, openAccessLog, verifyAccessLog, type AccessLog, type AuditOptions, type AuditReport } from "../accesslog/index.js";
import { openChainReader } from "./chainReader.js";
import { NodeError } from "../NodeError.js";
import { readManifest } from "./deploy.js";
import { openKeyRing } from "./keys.js";
import { readNodeInfo } from "./nodeInfo.js";

export type DataDirAuditReport = AuditReport & { nodeRunning: boolean; rpcUrl: string };

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
    let log: AccessLog;
    if (info) {
      log = await openCopy(logDir, gateway, cleanup);
    } else {
      log = await openAccessLog({ dir: logDir, gateway });
    }
    cleanup.push(() => log.close());

    const reader = await openChainReader({ dataDir: options.dataDir, chainId: manifest.chainId, keys, rpcUrl: options.rpcUrl });
    cleanup.push(() => reader.close());
    const rpcUrl = reader.rpcUrl;
    const target = createAnchorTarget({ runner: reader.provider, accessLogAddress: manifest.contracts.accessLog, gateway, fromBlock: manifest.fromBlock });
    let anchored;
    try {
      anchored = await target.anchoredBatches();
    } catch (cause) {
      throw new NodeError("AUDIT_CHAIN_UNAVAILABLE", `cannot read the anchored batches from ${rpcUrl}`, { cause });
    }
    const report = await verifyAccessLog(log, anchored, options.audit);
    return { ...report, nodeRunning: info !== undefined, rpcUrl };
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
}

async function openCopy(logDir: string, gateway: string, cleanup: Array<() => Promise<void>>): Promise<AccessLog> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const copy = await mkdtemp(join(tmpdir(), "imi-audit-"));
    cleanup.push(() => rm(copy, { recursive: true, force: true }));
    try {
      await cp(logDir, copy, { recursive: true, filter: (source) => !source.endsWith("LOCK") });
      return await openAccessLog({ dir: copy, gateway });
    } catch (error) {
      lastError = error;
    }
  }
  throw new NodeError("AUDIT_SNAPSHOT_FAILED", "could not take a consistent copy of the running node's access log", { cause: lastError });
}
