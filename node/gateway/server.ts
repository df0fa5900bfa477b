// The only file that listens. `startGateway` opens the gateway's stores under one data directory,
// starts following the chain and serves; `imi up` calls it after starting the chain.
import { join } from "node:path";
import { mkdir } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { hexToBytes } from "@noble/hashes/utils.js";
import { httpTransport, type Transport } from "@imi-ledger/sdk";
import type { ImiDeployment } from "@imi-ledger/sdk";
import { privateKeyToAccount } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { NodeError } from "../NodeError.js";
import { openIndexer, type Indexer } from "../indexer/index.js";
import { Departments, HttpVault, LevelVault, type DepartmentSettings, type Vault } from "../vault/index.js";
import { buildApp } from "./app.js";
import { DEFAULT_CATEGORIES, DEFAULT_LIMITS, type GatewayLimits } from "./config.js";
import { openAccessLog, type AccessLog } from "./internal/accessLog.js";
import { NonceStore } from "./internal/NonceStore.js";
import { ApprovalBook } from "../approvals/ApprovalBook.js";
import { HeadWatcher } from "./internal/HeadWatcher.js";
import type { DirectorySettings } from "./routes/directory.js";
import type { ServicesDesk } from "../services/ServicesDesk.js";

export type GatewayServerConfig = {
  /** Holds index/, vault/ and accesslog/ (which also keeps the request nonces). */
  dataDir: string;
  /** HTTP JSON-RPC of the chain (or a ready transport). */
  rpc: string | Transport;
  /** WebSocket JSON-RPC, to follow new blocks as they are sealed (else polling). */
  wsUrl?: string;
  deployment: ImiDeployment;
  /** The gateway's own key (0x hex): its access-log identity, predicate signer and relayer. */
  gatewayKey: Hex;
  /** Vault: the local encrypted LevelDB (32-byte master key, 0x hex) or a department's HTTP service. */
  vault: { kind: "level"; masterKey: Hex; /** See LevelVaultOptions.erasureRegister. */ erasureRegister?: string } | { kind: "http"; baseUrl: string; token?: string; headers?: Record<string, string> };
  host?: string;
  port?: number;
  audience?: string;
  limits?: Partial<GatewayLimits>;
  pollIntervalMs?: number;
  /** Which reverse proxies to believe about the client address; see GatewayOptions.trustProxy. */
  trustProxy?: boolean | string | string[];
  logger?: Logger | boolean;
  /** Names for GET /v1/directory (GatewayOptions.directory). */
  directory?: DirectorySettings;
  /** The built web app to serve at / (GatewayOptions.webRoot). */
  webRoot?: string | false;
  /** The life-event services' citizen desk (GatewayOptions.services). */
  services?: ServicesDesk;
  /** Departments that own data categories at their source (docs/departments.md); the rest stay in `vault`. */
  departments?: DepartmentSettings[];
  /** Told as each part of the start finishes (indexer, stores, app, indexSync, listening), for the node's start figures. */
  onPhase?: (phase: string) => void;
  /** After a migration: the retired chain's HTTP JSON-RPC and the deployment's blocks on it (GatewayOptions.history). */
  history?: { rpc: string; fromBlock: number; toBlock: number };
};

export type RunningGateway = {
  url: string;
  app: FastifyInstance;
  indexer: Indexer;
  accessLog: AccessLog;
  vault: Vault;
  close(): Promise<void>;
};

export async function startGateway(config: GatewayServerConfig): Promise<RunningGateway> {
  if (typeof config.dataDir !== "string" || config.dataDir.length === 0)
    throw new NodeError("GATEWAY_CONFIG_INVALID", "dataDir: missing. Give the directory for the gateway's stores.", { details: { setting: "dataDir" } });
  let account;
  try {
    account = privateKeyToAccount(config.gatewayKey);
  } catch (cause) {
    throw new NodeError("GATEWAY_CONFIG_INVALID", "gatewayKey: not a valid private key. Give 32 bytes as 0x hex from the keystore.", { cause, details: { setting: "gatewayKey" } });
  }
  // Checked before anything opens: a category routed to two departments, or a short token, stops the start.
  const departments = config.departments?.length ? Departments.create(config.departments, DEFAULT_CATEGORIES) : undefined;
  const pollIntervalMs = config.pollIntervalMs ?? 250;
  const maxHeadAgeMs = config.limits?.maxHeadAgeMs ?? DEFAULT_LIMITS.maxHeadAgeMs;
  // Readiness needs a fresh head; an idle chain seals no blocks, so polling must keep it fresh.
  if (!Number.isSafeInteger(pollIntervalMs) || pollIntervalMs <= 0 || pollIntervalMs * 2 > maxHeadAgeMs)
    throw new NodeError("GATEWAY_CONFIG_INVALID", `pollIntervalMs: must be positive and at most half of limits.maxHeadAgeMs (${maxHeadAgeMs}).`, { details: { setting: "pollIntervalMs" } });
  await mkdir(config.dataDir, { recursive: true });
  if (typeof config.rpc === "string" ? !/^https?:\/\//.test(config.rpc) : config.rpc?.kind !== "transport")
    throw new NodeError("GATEWAY_CONFIG_INVALID", "rpc: give the chain's HTTP JSON-RPC URL (http://host:port).", { details: { setting: "rpc" } });
  if (config.wsUrl !== undefined && !/^wss?:\/\//.test(config.wsUrl))
    throw new NodeError("GATEWAY_CONFIG_INVALID", "wsUrl: give the chain's WebSocket JSON-RPC URL (ws://host:port) or leave it out.", { details: { setting: "wsUrl" } });
  const rpc = typeof config.rpc === "string" ? httpTransport(config.rpc, { timeoutMs: 10_000 }) : config.rpc;
  const { identityRegistry, consentRegistry, credentialRegistry, accessManager } = config.deployment.contracts;
  if (!accessManager) throw new NodeError("GATEWAY_CONFIG_INVALID", "deployment.contracts.accessManager: missing; the gateway needs it to follow roles.", { details: { setting: "deployment" } });

  const opened: Array<{ close(): Promise<void> }> = [];
  const phase = config.onPhase ?? (() => undefined);
  // Stores log their own write failures and recoveries (a full disk) for the operator.
  const storeLogger = (component: string) => (typeof config.logger === "object" ? config.logger.child({ component }) : undefined);
  try {
    const indexer = await openIndexer({
      dir: join(config.dataDir, "index"),
      rpc,
      contracts: { identityRegistry, consentRegistry, credentialRegistry, accessManager },
      fromBlock: config.deployment.fromBlock,
      // New heads reach the index through the gateway's head watcher below (one subscription).
      pollIntervalMs,
      logger: typeof config.logger === "object" ? config.logger.child({ component: "indexer" }) : undefined,
    });
    opened.push(indexer);
    phase("indexer");
    // The gateway learns of heads apart from the index, so a slow index cannot hide a newer block:
    // it refuses to decide from an index behind any head it has seen (GatewayContext.assertFresh).
    const heads = new HeadWatcher({
      rpc,
      wsUrl: config.wsUrl,
      pollIntervalMs,
      // Blocks holding only the gateway's own access-log anchors do not hold accesses back (docs/gateway.md).
      decisionContracts: Object.entries(config.deployment.contracts)
        .filter(([name, address]) => name !== "accessLog" && typeof address === "string")
        .map(([, address]) => address as string),
      onHead: () => void indexer.sync().catch(() => undefined),
      logger: typeof config.logger === "object" ? config.logger.child({ component: "heads" }) : undefined,
    });
    opened.push(heads);
    let vault: Vault;
    if (config.vault.kind === "level") {
      if (!/^0x[0-9a-fA-F]{64}$/.test(config.vault.masterKey))
        throw new NodeError("GATEWAY_CONFIG_INVALID", "vault.masterKey: must be 32 bytes as 0x hex.", { details: { setting: "vault.masterKey" } });
      vault = await LevelVault.open({ dir: join(config.dataDir, "vault"), masterKey: hexToBytes(config.vault.masterKey.slice(2)), logger: storeLogger("vault"), erasureRegister: config.vault.erasureRegister });
    } else {
      vault = new HttpVault({ baseUrl: config.vault.baseUrl, token: config.vault.token, headers: config.vault.headers });
    }
    opened.push(vault);
    if (departments) vault = departments.route(vault);
    const accessLog = await openAccessLog({ dir: join(config.dataDir, "accesslog"), gateway: account.address, logger: storeLogger("accesslog") });
    opened.push(accessLog);
    // Nonces share the access log's fsync; nonces/ is where earlier versions kept them.
    const nonces = await NonceStore.inAccessLog(accessLog, { legacyDir: join(config.dataDir, "nonces") });
    opened.push(nonces);
    // Approval steps go into the same log; their details live beside it.
    const approvals = await ApprovalBook.open({ dir: join(config.dataDir, "approvals"), accessLog });
    opened.push(approvals);
    phase("stores");
    const app = await buildApp({
      chainId: config.deployment.chainId,
      audience: config.audience ?? `imi-gateway:${account.address.toLowerCase()}`,
      deployment: config.deployment,
      indexer,
      vault,
      accessLog,
      nonces,
      account,
      rpc,
      limits: config.limits,
      trustProxy: config.trustProxy,
      directory: config.directory,
      ...(config.webRoot !== undefined && { webRoot: config.webRoot }),
      ...(config.services ? { services: config.services } : {}),
      ...(departments ? { departments } : {}),
      approvals,
      ...(config.history ? { history: { ...config.history, rpc: httpTransport(config.history.rpc, { timeoutMs: 10_000 }) } } : {}),
      heads,
      logger: config.logger,
    });
    opened.unshift(app);
    phase("app");
    indexer.start();
    heads.start();
    await indexer.sync().catch(() => undefined); // readiness reports a chain that is not there yet
    phase("indexSync");
    const url = await app.listen({ host: config.host ?? "127.0.0.1", port: config.port ?? 0 });
    phase("listening");
    return {
      url,
      app,
      indexer,
      accessLog,
      vault,
      async close() {
        for (const part of opened) await part.close();
      },
    };
  } catch (error) {
    for (const part of opened.reverse()) await part.close().catch(() => undefined);
    throw error;
  }
}
