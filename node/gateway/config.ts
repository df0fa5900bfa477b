import type { Logger } from "pino";
import { NodeError } from "../NodeError.js";
import type { ImiDeployment } from "../../sdk/clients/deployment.js";
import type { Transport } from "../../sdk/clients/transport.js";
import type { LocalAccount } from "../../sdk/keys/privateKeyToAccount.js";
import type { Indexer } from "../indexer/index.js";
import type { Vault } from "../vault/index.js";
import type { AccessLog } from "./internal/accessLog.js";
import type { NonceStore } from "./internal/NonceStore.js";

export type GatewayLimits = {
  /** Refuse (503) when the index is more than this many blocks behind the chain head. */
  maxIndexLagBlocks: number;
  /** Refuse (503) when the chain head was last seen longer ago than this (chain unreachable). */
  maxHeadAgeMs: number;
  /** How far a request's issuedAt may be from the gateway's clock. */
  maxSkewSeconds: number;
  /** Longest session a login can get. */
  maxSessionSeconds: number;
  /** Lifetime of an identity or login challenge. */
  challengeTtlSeconds: number;
  bodyLimitBytes: number;
  /** Requests per minute per caller (session account, else client address). */
  rateLimitPerMinute: number;
  /**
   * Registrations per minute per registrar on POST /v1/registrar/citizens, counted apart from
   * `rateLimitPerMinute`: a bulk import at the service window is one registrar doing thousands of
   * calls, which the per-caller budget would cut off. `imi registrar import` paces itself under it.
   */
  registrarRateLimitPerMinute: number;
  /**
   * How long a statutory access stays out of the citizen's own view (a covert investigation).
   * The record is written and anchored at once either way; auditors always see it.
   */
  statutoryDisclosureDelaySeconds: number;
};

export const DEFAULT_LIMITS: GatewayLimits = {
  maxIndexLagBlocks: 2,
  maxHeadAgeMs: 5_000,
  maxSkewSeconds: 120,
  maxSessionSeconds: 900,
  challengeTtlSeconds: 300,
  bodyLimitBytes: 64 * 1024,
  rateLimitPerMinute: 1_200,
  registrarRateLimitPerMinute: 12_000,
  statutoryDisclosureDelaySeconds: 0,
};

/**
 * Data categories by scope bit (bit i = DEFAULT_CATEGORIES[i]). The vault stores records under these
 * names; a consent's scope bitmask selects them.
 */
export const DEFAULT_CATEGORIES = ["identity", "birth", "address", "contact", "health", "income", "family", "credentials"] as const;

export type GatewayOptions = {
  chainId: number;
  /** This gateway's public origin; logins and identity proofs must name it. */
  audience: string;
  deployment: ImiDeployment;
  indexer: Indexer;
  vault: Vault;
  accessLog: AccessLog;
  nonces: NonceStore;
  /** The gateway's key: signs predicate answers and pays for relayed consent changes. */
  account: LocalAccount;
  /** JSON-RPC of the chain, for relaying transactions. */
  rpc: Transport;
  categories?: readonly string[];
  limits?: Partial<GatewayLimits>;
  /** Clock in unix ms (tests move it). */
  now?: () => number;
  logger?: Logger | boolean;
  /** Behind a reverse proxy: which proxies to trust for the client address (Fastify's trustProxy). Default none. */
  trustProxy?: boolean | string | string[];
  /** Serve the OpenAPI UI at /docs (default true). */
  docs?: boolean;
};

export type ResolvedGatewayOptions = Omit<GatewayOptions, "limits" | "categories" | "now"> & {
  limits: GatewayLimits;
  categories: readonly string[];
  now: () => number;
};

function invalid(setting: string, fix: string): NodeError {
  return new NodeError("GATEWAY_CONFIG_INVALID", `${setting}: ${fix}`, { details: { setting } });
}

/** Validates once at start; a bad setting stops the start with its name and the fix. */
export function resolveGatewayOptions(options: GatewayOptions): ResolvedGatewayOptions {
  if (!Number.isSafeInteger(options.chainId) || options.chainId <= 0) throw invalid("chainId", "give the chain's id, a positive integer.");
  if (options.deployment.chainId !== options.chainId) throw invalid("deployment.chainId", "must equal chainId.");
  if (typeof options.audience !== "string" || options.audience.length === 0 || options.audience.length > 200)
    throw invalid("audience", "give the gateway's public origin, e.g. https://gateway.district.example.");
  for (const key of ["indexer", "vault", "accessLog", "nonces", "account", "rpc"] as const)
    if (!options[key]) throw invalid(key, "missing.");
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  for (const [key, value] of Object.entries(limits))
    if (!Number.isSafeInteger(value) || value < 0) throw invalid(`limits.${key}`, "must be a non-negative integer.");
  const categories = options.categories ?? DEFAULT_CATEGORIES;
  if (categories.length === 0 || categories.length > 256 || new Set(categories).size !== categories.length)
    throw invalid("categories", "give 1 to 256 distinct category names (index = scope bit).");
  return { ...options, limits, categories, now: options.now ?? Date.now };
}
