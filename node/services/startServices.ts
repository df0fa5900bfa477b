// Opens and starts the life-event services component of a node: the rule set (validated), its
// store, the citizen desk the gateway serves, and, once the gateway listens, the engine.
import { access } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { createGatewayClient, createImiClient, privateKeyToAccount, type Hex, type ImiDeployment } from "@imi-ledger/sdk";
import type { AccessLog } from "../accesslog/index.js";
import type { Indexer } from "../indexer/index.js";
import { NodeError } from "../NodeError.js";
import { DEFAULT_SERVICE_RULES } from "./defaultRules.js";
import { parseServiceRules, readServiceRules, type ServiceRuleSet } from "./rules.js";
import type { ServicesDesk } from "./ServicesDesk.js";
import { ServicesEngine } from "./ServicesEngine.js";
import { ServicesStore } from "./ServicesStore.js";
import { checkCursorsOnMove, type RetiredChain } from "./retiredChain.js";
import { startOperatorView } from "./operatorView.js";
import { WebhookDesk } from "./webhooks/WebhookDesk.js";
import { WebhookDispatcher } from "./webhooks/WebhookDispatcher.js";
import { WebhookStore } from "./webhooks/WebhookStore.js";

export const SERVICES_RULES_FILE = "services.json";
/** The node key the services component acts with (agency for its questions, issuer for what it issues). */
export const SERVICES_KEY = "services";

/** `<dataDir>/services.json` when it exists, else the default rule set; validated either way. */
export async function loadServiceRules(dataDir: string): Promise<{ rules: ServiceRuleSet; origin: string }> {
  const file = join(dataDir, SERVICES_RULES_FILE);
  try {
    await access(file);
  } catch {
    return { rules: parseServiceRules(DEFAULT_SERVICE_RULES, "default rules"), origin: "default" };
  }
  return { rules: await readServiceRules(file), origin: file };
}

export type ServicesParts = {
  rpcUrl: string;
  deployment: ImiDeployment;
  gatewayUrl: string;
  accessLog: AccessLog;
  indexer: Indexer;
  servicesKey: string;
  governorKey: string;
  /** The gateway's key: webhook deliveries are signed by the gateway. */
  gatewayKey: string;
  /**
   * After a chain move: the retired chain the node serves read-only, where the deployment's events
   * start there and its last block (the gateway's `history`). The services and webhooks read what
   * they had not read yet there, then continue at the successor's block 0 (retiredChain.ts).
   */
  history?: { rpc: string; fromBlock: number; toBlock: number };
};

export type RunningServices = {
  rules: ServiceRuleSet;
  store: ServicesStore;
  desk: ServicesDesk;
  engine: ServicesEngine | undefined;
  webhookStore: WebhookStore;
  webhooks: WebhookDispatcher | undefined;
  start(parts: ServicesParts): Promise<ServicesEngine | undefined>;
  close(): Promise<void>;
};

export async function openServices(options: { dataDir: string; logger: Logger }): Promise<RunningServices> {
  const { rules } = await loadServiceRules(options.dataDir);
  const store = await ServicesStore.open(join(options.dataDir, "services"));
  let webhookStore: WebhookStore;
  try {
    webhookStore = await WebhookStore.open(join(options.dataDir, "webhooks"));
  } catch (error) {
    await store.close();
    throw error;
  }
  let engine: ServicesEngine | undefined;
  let webhooks: WebhookDispatcher | undefined;
  let indexer: ServicesParts["indexer"] | undefined;
  const webhookDesk = new WebhookDesk({ store: webhookStore, indexer: () => indexer, poke: () => webhooks?.poke(), emit: (d) => webhooks?.emit(d) });
  let view: { close(): Promise<void> } | undefined;
  let closing: Promise<void> | undefined;
  const running = (): ServicesEngine => {
    if (!engine) throw new NodeError("SERVICES_NOT_RUNNING", "The services component is not running.");
    return engine;
  };
  const services: RunningServices = {
    rules,
    store,
    get engine() {
      return engine;
    },
    webhookStore,
    get webhooks() {
      return webhooks;
    },
    desk: {
      rules,
      list: (citizen) => store.all({ citizen }),
      decline: (citizen, id) => running().decline(citizen, id),
      accept: (citizen, id) => running().accept(citizen, id),
      webhooks: webhookDesk,
    },
    async start(parts) {
      let retired: RetiredChain | undefined;
      if (parts.history) {
        const reader = createImiClient({ rpc: parts.history.rpc, deployment: parts.deployment });
        retired = {
          chain: { request: reader.request.bind(reader), maxLogBlockRange: reader.maxLogBlockRange },
          fromBlock: parts.history.fromBlock,
          block: parts.history.toBlock,
          successorChainId: parts.deployment.chainId,
        };
        // Both stores are checked before either moves: a refusal leaves both as they were.
        const services = await store.position();
        checkCursorsOnMove("SERVICES_MIGRATION_MISMATCH", { cursors: { services: services.cursor }, successorChainId: services.successorChainId }, retired);
        const hooks = await webhookStore.position();
        checkCursorsOnMove("WEBHOOKS_MIGRATION_MISMATCH", { cursors: { consents: hooks.consents, "life-event": hooks.life }, successorChainId: hooks.successorChainId }, retired);
      }
      view = await startOperatorView({ dataDir: options.dataDir, store, engine: () => engine });
      indexer = parts.indexer;
      // Agencies hear of consents and life events whether or not the engine delivers services.
      webhooks = new WebhookDispatcher({
        store: webhookStore,
        indexer: parts.indexer,
        signer: privateKeyToAccount(parts.gatewayKey as Hex),
        chainId: parts.deployment.chainId,
        lifeEvents: rules.engine.enabled
          ? { readTo: () => engine?.schemasReadTo ?? -1, between: (from, to, onRetiredChain) => engine!.lifeEvents(from, to, onRetiredChain), fromBlock: parts.deployment.fromBlock ?? 0 }
          : undefined,
        chain: (() => {
          const reader = createImiClient({ rpc: parts.rpcUrl, deployment: parts.deployment });
          return { request: reader.request.bind(reader), maxLogBlockRange: reader.maxLogBlockRange, consentRegistry: parts.deployment.contracts.consentRegistry };
        })(),
        logger: options.logger.child({ part: "webhooks" }),
        ...(retired ? { retired } : {}),
      });
      if (!rules.engine.enabled) {
        await webhooks.continueOnSuccessor();
        webhooks.start();
        options.logger.info({ event: "services_disabled" }, "life-event services are switched off (services.json engine.enabled)");
        return undefined;
      }
      const account = privateKeyToAccount(parts.servicesKey as Hex);
      const governorAccount = privateKeyToAccount(parts.governorKey as Hex);
      engine = new ServicesEngine({
        rules,
        store,
        chain: createImiClient({ rpc: parts.rpcUrl, deployment: parts.deployment, account }),
        governor: createImiClient({ rpc: parts.rpcUrl, deployment: parts.deployment, account: governorAccount }),
        governorAccount,
        gateway: createGatewayClient({ url: parts.gatewayUrl }),
        account,
        accessLog: parts.accessLog,
        indexer: parts.indexer,
        fromBlock: parts.deployment.fromBlock ?? 0,
        ...(retired ? { retired } : {}),
        pollIntervalMs: rules.engine.pollIntervalMs,
        retry: { baseMs: rules.engine.retryBaseMs, maxMs: rules.engine.retryMaxMs },
        logger: options.logger,
      });
      // The webhooks name the retired chain's life events with the schemas the engine reads there.
      await engine.continueOnSuccessor();
      await webhooks.continueOnSuccessor();
      webhooks.start();
      await engine.prepare();
      engine.start();
      return engine;
    },
    close() {
      closing ??= (async () => {
        await webhooks?.stop();
        await engine?.stop();
        await view?.close();
        await store.close();
        await webhookStore.close();
      })();
      return closing;
    },
  };
  return services;
}
