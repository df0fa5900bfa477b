// One IMI node in one process: the embedded chain (or an external EVM endpoint), the contracts
// (deployed on first start, reused after), the indexer, the vault, the access log with its
// anchorer, and the gateway. Everything lives under one data directory, so a restart resumes
// where the last run stopped.
import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { JsonRpcProvider } from "ethers";
import { pino, type Logger } from "pino";
import { Gauge } from "prom-client";
import { IMI_ROLES, type Hex } from "@imi-ledger/sdk";
import { Anchorer, createClientAnchorTarget } from "../accesslog/index.js";
import { startChain, withFeeFloat, type Chain } from "../chain/index.js";
import { addReadinessPart, startGateway, type RunningGateway } from "../gateway/index.js";
import { NodeError } from "../NodeError.js";
import { openServices, SERVICES_KEY, type RunningServices } from "../services/startServices.js";
import { setStoreMaxOpenFiles } from "../storage/levelOptions.js";
import type { ImiConfig } from "./config.js";
import { erasureRegisterPath } from "./backup.js";
import { ensureDeployment, readManifest, type DeploymentManifest } from "./deploy.js";
import { openKeyRing, unlockNodeKeys, type KeyRing } from "./keys.js";
import { continueIndexOnSuccessor, openRetiredChain } from "./migration.js";
import { allowlistSyncOptions, startAllowlistSync, writeAllowlistSyncStatus } from "./allowlistSync.js";
import { startLogExport } from "./logExport.js";
import { assertPortsFree } from "./ports.js";
import { startPhases, type StartPhases } from "./startPhases.js";
import { removeNodeInfo, writeExternalChain, writeNodeInfo, type NodeInfo } from "./nodeInfo.js";

export type ImiNode = {
  config: ImiConfig;
  info: NodeInfo;
  manifest: DeploymentManifest;
  deployedNow: boolean;
  keys: KeyRing;
  chain: Chain | undefined;
  gateway: RunningGateway;
  anchorer: Anchorer;
  /** Life-event services (node/services): its rules, store and engine. */
  services: RunningServices;
  logger: Logger;
  close(): Promise<void>;
};


async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function startImiNode(
  config: ImiConfig,
  options: {
    env?: NodeJS.ProcessEnv;
    logger?: Logger;
    /**
     * The data directory's key ring, when the caller opened it already (after checking the ports):
     * `imi up` does, to decrypt the keys on the thread pool while the node's modules load.
     */
    keys?: KeyRing;
    /** Where the start's phases are noted (the caller's, to count its own phases before this one). */
    phases?: StartPhases;
  } = {},
): Promise<ImiNode> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const phases = options.phases ?? startPhases();
  // Before anything is created, started or deployed.
  await assertPortsFree(config);
  setStoreMaxOpenFiles(config.storage?.maxOpenFiles);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const keys = options.keys ?? (await openKeyRing(config.dataDir, options.env));
  // The keys the chain and the gateway need, decrypted at once (scrypt on the thread pool, all
  // cores); the governor's, the deployer's and the services' once the gateway serves (a first
  // start's deployment asks for the first two earlier): a restart serves without waiting for them.
  await unlockNodeKeys(keys, "serving");
  phases.mark("keys");
  const gatewayAddress = await keys.address("gateway");
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch((error: unknown) => logger.error({ event: "close_failed", err: error }));
  };

  try {
    // 1. The chain.
    let chain: Chain | undefined;
    let rpcUrl: string;
    let wsUrl: string | undefined;
    let chainId: number;
    const previous = await readManifest(config.dataDir);
    if (config.chain.rpcUrl) {
      rpcUrl = config.chain.rpcUrl;
      wsUrl = config.chain.wsUrl;
      const probe = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
      try {
        chainId = Number((await probe.getNetwork()).chainId);
      } catch (cause) {
        throw new NodeError("CHAIN_UNREACHABLE", `chain.rpcUrl: nothing answers at ${rpcUrl}. Start that node or fix the URL.`, { cause, details: { setting: "chain.rpcUrl" } });
      } finally {
        probe.destroy();
      }
      await writeExternalChain(config.dataDir, { rpcUrl, wsUrl });
    } else {
      const chainDir = join(config.dataDir, "chain");
      const fresh = !(await exists(chainDir));
      chain = await startChain({
        dataDir: chainDir,
        validatorKey: await keys.privateKey("validator"),
        // The genesis is written on the first start only; later starts read the stored one. The
        // allowlisted accounts get a fee float so clients' default tips can be paid (docs/chain.md).
        genesis: fresh
          ? withFeeFloat({ chainId: config.chain.chainId, validator: await keys.address("validator"), allowlist: [await keys.address("deployer"), await keys.address("governor"), gatewayAddress] })
          : undefined,
        accountRules: previous?.contracts.accountRules,
        host: config.chain.host,
        port: config.chain.port,
        blockIntervalMs: config.chain.blockIntervalMs,
        logger: logger.child({ component: "chain" }),
      });
      const started = chain;
      closers.push(() => started.close());
      phases.mark("chain");
      const retired = chain.retiredAt();
      if (retired !== undefined) {
        // Its state moved to another network (imi besu-config): nothing may be written here again.
        throw new NodeError("CHAIN_RETIRED", `the embedded chain was retired at block ${retired.block}; its state continues on chain ${retired.successorChainId}: start with --rpc-url <that network>`, {
          details: { block: retired.block, successorChainId: retired.successorChainId },
        });
      }
      rpcUrl = chain.url;
      wsUrl = chain.wsUrl;
      chainId = chain.chainId;
      if (chainId !== config.chain.chainId) {
        throw new NodeError("CONFIG_INVALID", `chain.chainId: the data directory holds chain ${chainId}, the configuration says ${config.chain.chainId}. Remove the setting or use another data directory.`, {
          details: { setting: "chain.chainId" },
        });
      }
    }

    // 2. The contracts, on first start.
    const { manifest, deployedNow } = await ensureDeployment({
      dataDir: config.dataDir,
      rpcUrl,
      chainId,
      deployerKey: () => keys.privateKey("deployer"),
      governor: () => keys.address("governor"),
      grants: [{ role: IMI_ROLES.gateway, account: gatewayAddress }],
      allowlist: async () => [await keys.address("governor"), gatewayAddress],
      recoveryDelaySeconds: config.recoveryDelaySeconds,
      logger,
    });
    phases.mark("contracts");
    // From now on the AccountRules contract decides who may send transactions.
    chain?.setAccountRules(manifest.contracts.accountRules);
    // After a migration the events before the move stay on the retired chain, served read-only for
    // as long as the node runs; the index, which holds them, continues at the successor's block 0.
    let history: { rpc: string; fromBlock: number; toBlock: number } | undefined;
    if (!chain && manifest.continues) {
      const retired = await openRetiredChain(config.dataDir, keys);
      closers.push(() => retired.close());
      history = { rpc: retired.url, fromBlock: manifest.continues.fromBlock, toBlock: manifest.continues.block };
      await continueIndexOnSuccessor({ dataDir: config.dataDir, manifest, rpcUrl, retiredRpcUrl: retired.url, logger: logger.child({ component: "migration" }) });
      phases.mark("retiredChain");
    }

    // The services' store and citizen desk open before the gateway that serves the desk; the engine starts after it.
    const services = await openServices({ dataDir: config.dataDir, logger: logger.child({ component: "services" }) });
    closers.push(() => services.close());
    phases.mark("servicesStore");

    // 3. The gateway (indexer, vault, access log, nonce store), then anchoring of its log.
    const gateway = await startGateway({
      dataDir: join(config.dataDir, "gateway"),
      rpc: rpcUrl,
      wsUrl,
      deployment: manifest,
      gatewayKey: (await keys.privateKey("gateway")) as Hex,
      vault: { kind: "level", masterKey: (await keys.privateKey("vault")) as Hex, erasureRegister: erasureRegisterPath(config.dataDir, options.env ?? process.env) },
      host: config.gateway.host,
      port: config.gateway.port,
      audience: config.gateway.audience,
      limits: {
        indexWaitMs: config.gateway.indexWaitMs,
        statutoryDisclosureDelaySeconds: config.gateway.statutoryDisclosureDelaySeconds,
        rateLimitPerMinute: config.gateway.rateLimitPerMinute,
        registrarRateLimitPerMinute: config.gateway.registrarRateLimitPerMinute,
      },
      trustProxy: config.gateway.trustProxy,
      ...(config.gateway.webRoot !== undefined && { webRoot: config.gateway.webRoot }),
      logger: logger.child({ component: "gateway" }),
      directory: config.directory,
      services: services.desk,
      ...(config.departments && { departments: config.departments }),
      ...(history ? { history } : {}),
      onPhase: phases.mark,
    });
    closers.push(() => gateway.close());
    // Each is asked for again where it is needed, which reports a keystore that does not decrypt.
    unlockNodeKeys(keys, "later").catch(() => undefined);

    // Anchoring goes through the gateway's own SDK client: one RPC stack, and relays and anchors
    // share one nonce counter.
    const target = createClientAnchorTarget(gateway.app.imi.relay, { gateway: gatewayAddress, fromBlock: manifest.fromBlock });
    const anchorer = new Anchorer(gateway.accessLog, target, {
      maxRecords: config.anchoring.maxRecords,
      intervalMs: config.anchoring.intervalMs,
      logger: logger.child({ component: "anchorer" }),
    });
    anchorer.start();
    closers.push(() => anchorer.stop());
    registerNodeMetrics(gateway, anchorer, chain);
    if (!chain && config.chain.validators?.length) {
      // Besu admits senders by each validator's local allowlist: keep it equal to AccountRules.
      const syncLogger = logger.child({ component: "allowlist-sync" });
      const sync = startAllowlistSync({
        ...(await allowlistSyncOptions(config.dataDir, manifest, rpcUrl, config.chain.validators)),
        intervalMs: config.chain.allowlistSyncIntervalMs ?? 5_000,
        onRound(round) {
          const at = new Date().toISOString();
          if (round instanceof NodeError) syncLogger.error({ event: "allowlist_sync_failed", code: round.code }, round.message);
          else if (!round.inStep) syncLogger.warn({ event: "allowlist_sync_behind", validators: round.validators.filter((v) => !v.ok).map((v) => ({ url: v.url, code: v.error?.code })) }, "a validator's allowlist is not in step with AccountRules");
          else if (round.validators.some((v) => v.added.length + v.removed.length > 0)) syncLogger.info({ event: "allowlist_synced", validators: round.validators.map((v) => ({ url: v.url, added: v.added.length, removed: v.removed.length })) }, "validators' allowlists brought in step");
          const status = round instanceof NodeError ? { at, error: { code: round.code, message: round.message } } : { at, round };
          void writeAllowlistSyncStatus(config.dataDir, status).catch((error: unknown) => syncLogger.warn({ event: "allowlist_status_unwritable", err: error }));
        },
      });
      closers.push(() => sync.stop());
    }
    // Life-event services ask the gateway their eligibility questions as an agency and log what they deliver.
    await services.start({
      rpcUrl,
      deployment: manifest,
      gatewayUrl: gateway.url,
      accessLog: gateway.accessLog,
      indexer: gateway.indexer,
      servicesKey: await keys.privateKey(SERVICES_KEY),
      governorKey: await keys.privateKey("governor"),
      gatewayKey: await keys.privateKey("gateway"),
      // After a move their cursors continue at the successor's block 0, like the index's.
      ...(history ? { history } : {}),
    });
    // Stopped before the gateway it asks and the log it writes (closers run in reverse).
    closers.push(() => services.close());
    phases.mark("services");
    // `imi audit verify` reads a snapshot of the running node's log through this (logExport.ts).
    const logExport = await startLogExport({ dataDir: config.dataDir, accessLog: gateway.accessLog, logger: logger.child({ component: "log-export" }) });
    closers.push(() => logExport.close());
    // The embedded chain shares the node's disk: while it cannot write blocks, the gateway is not ready and releases nothing.
    if (chain) {
      const running = chain;
      addReadinessPart(gateway.app.imi, "chain", () => running.storageStatus());
    }

    const info: NodeInfo = {
      pid: process.pid,
      startedAt: Date.now(),
      chainId,
      rpcUrl,
      wsUrl,
      gatewayUrl: gateway.url,
      gateway: gatewayAddress,
      governor: await keys.address("governor"),
      embeddedChain: chain !== undefined,
      ...(history ? { retiredRpcUrl: history.rpc } : {}),
    };
    await writeNodeInfo(config.dataDir, info);
    closers.push(() => removeNodeInfo(config.dataDir));
    phases.mark("started");
    logger.info({ event: "node.started", phasesMs: phases.phasesMs() }, "node started (each phase's end, ms since the process started)");
    // Closed in reverse: node.json, anchorer, gateway, chain.

    let closing: Promise<void> | undefined;
    return {
      config,
      info,
      manifest,
      deployedNow,
      keys,
      chain,
      gateway,
      anchorer,
      services,
      logger,
      close() {
        closing ??= closeAll();
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Anchoring and chain figures on the gateway's /metrics, for operators and `imi status`. */
function registerNodeMetrics(gateway: RunningGateway, anchorer: Anchorer, chain: Chain | undefined): void {
  const registers = [gateway.app.imi.metrics.registry];
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge("imi_accesslog_last_seq", "Sequence number of the last access record written", () => gateway.accessLog.lastSeq());
  gauge("imi_anchor_last_seq", "Last access record whose batch is anchored on chain", () => anchorer.status().lastAnchoredSeq);
  gauge("imi_anchor_pending_batches", "Batches cut but not yet anchored", () => anchorer.status().pendingBatches);
  gauge("imi_anchor_unbatched_records", "Access records not yet in a batch", () => anchorer.status().unbatchedRecords);
  gauge("imi_anchor_halted", "1 when anchoring stopped because the chain disagrees with the log", () => (anchorer.status().state === "halted" ? 1 : 0));
  if (chain) gauge("imi_chain_head_block", "Head block of the embedded chain", () => Number(chain.blockNumber()));
}
