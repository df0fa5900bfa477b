import { AccountRequiredError, ChainMismatchError } from "../errors/errors.js";
import { toImiError } from "../errors/decodeError.js";
import { NonceManager } from "../internal/nonceManager.js";
import type { Eip1193Provider } from "../types.js";
import type { ImiAccount } from "./accounts.js";
import { parseDeployment, type DeploymentInput, type ImiDeployment } from "./deployment.js";
import { eip1193Transport, httpTransport, type Transport } from "./transport.js";

export type ImiClientConfig = {
  /** An RPC URL (the embedded node, Hardhat's node, Besu), an EIP-1193 provider, or a Transport. */
  rpc: string | Eip1193Provider | Transport;
  /** Addresses and chain id. In Node (`imi-ledger/sdk/node`) also a path to an Ignition deployment. */
  deployment: DeploymentInput;
  /** Who signs and sends. Optional for read-only clients. */
  account?: ImiAccount;
  /** Base URL of the IMI gateway, for agency and citizen calls through it. */
  gateway?: string;
  /** How often to poll for a receipt, milliseconds (default 50, backing off to 1 000). */
  pollingIntervalMs?: number;
  /** How long to wait for a receipt, milliseconds (default 120 000). */
  receiptTimeoutMs?: number;
  /**
   * Subscribes to new blocks the caller already follows (an index that follows the chain, a
   * newHeads subscription); returns the unsubscribe. A write waiting for its receipt then asks for
   * it at each block instead of only on the polling schedule, which stays as the fallback.
   */
  onBlock?: (listener: () => void) => () => void;
  /**
   * Largest block range per `eth_getLogs` call (default 5 000, Besu's default limit); longer
   * histories are read in chunks.
   */
  maxLogBlockRange?: number;
};

/** What every action receives. Build it with `createImiClient`. */
export type ImiBaseClient = {
  readonly chainId: number;
  readonly deployment: ImiDeployment;
  readonly account: ImiAccount | undefined;
  readonly gatewayUrl: string | undefined;
  readonly transport: Transport;
  readonly pollingIntervalMs: number;
  readonly receiptTimeoutMs: number;
  readonly maxLogBlockRange: number;
  readonly onBlock: ((listener: () => void) => () => void) | undefined;
  /** Raw JSON-RPC; failures come back as SDK errors. */
  request<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Checks once that the RPC serves the deployment's chain (CHAIN_MISMATCH otherwise). */
  verifyChain(): Promise<void>;
  /** @internal */
  readonly nonces: NonceManager;
};

function isTransport(rpc: unknown): rpc is Transport {
  return typeof rpc === "object" && rpc !== null && (rpc as { kind?: unknown }).kind === "transport";
}

export function createBaseClient(config: ImiClientConfig, deployment?: ImiDeployment): ImiBaseClient {
  const parsed = deployment ?? parseDeployment(config.deployment);
  const transport =
    typeof config.rpc === "string"
      ? httpTransport(config.rpc)
      : isTransport(config.rpc)
        ? config.rpc
        : eip1193Transport(config.rpc as Eip1193Provider);
  let chainChecked: Promise<void> | undefined;
  const client: ImiBaseClient = {
    chainId: parsed.chainId,
    deployment: parsed,
    account: config.account,
    gatewayUrl: config.gateway?.replace(/\/+$/, ""),
    transport,
    pollingIntervalMs: config.pollingIntervalMs ?? 50,
    receiptTimeoutMs: config.receiptTimeoutMs ?? 120_000,
    maxLogBlockRange: Math.max(1, Math.floor(config.maxLogBlockRange ?? 5_000)),
    onBlock: config.onBlock,
    nonces: new NonceManager(),
    async request<T>(method: string, params: unknown[] = []): Promise<T> {
      try {
        return await transport.request<T>(method, params);
      } catch (error) {
        throw toImiError(error);
      }
    },
    verifyChain() {
      chainChecked ??= client.request<string>("eth_chainId").then((hex) => {
        const actual = Number(BigInt(hex));
        if (actual !== parsed.chainId) throw new ChainMismatchError("rpc chainId", parsed.chainId, actual);
      });
      chainChecked.catch(() => (chainChecked = undefined));
      return chainChecked;
    },
  };
  return client;
}

export function requireAccount(client: ImiBaseClient, account: ImiAccount | undefined, action: string): ImiAccount {
  const chosen = account ?? client.account;
  if (!chosen) throw new AccountRequiredError(action);
  return chosen;
}
