import type { Logger } from "pino";
import { NodeError } from "../NodeError.js";
import { DEFAULT_CATEGORIES, type ImiDeployment } from "@imi-ledger/sdk";
import type { Transport } from "@imi-ledger/sdk";
import type { LocalAccount } from "@imi-ledger/sdk";
import type { Indexer } from "../indexer/index.js";
import type { Departments, Vault } from "../vault/index.js";
import type { ApprovalBook } from "../approvals/ApprovalBook.js";
import type { ChainHistory } from "./internal/AgencyBook.js";
import type { AccessLog } from "./internal/accessLog.js";
import type { NonceStore } from "./internal/NonceStore.js";
import type { DirectorySettings } from "./routes/directory.js";
import type { ServicesDesk } from "../services/ServicesDesk.js";

export type GatewayLimits = {
  /**
   * Nothing is decided from an index older than the newest head the gateway has seen. When it has
   * seen a newer head, a request waits this long (ms) for the index to reach it, then is refused
   * with 503 INDEX_BEHIND.
   */
  indexWaitMs: number;
  /** Refuse (503) when the chain was last heard from longer ago than this (chain unreachable). */
  maxHeadAgeMs: number;
  /** How far a request's issuedAt may be from the gateway's clock. */
  maxSkewSeconds: number;
  /** Longest session a login can get. */
  maxSessionSeconds: number;
  /** Lifetime of an identity or login challenge. */
  challengeTtlSeconds: number;
  bodyLimitBytes: number;
  /**
   * Requests per minute per caller: the authenticated account (a session's, or a signed request's
   * signer, checked before counting), else the client address (see `trustProxy`).
   */
  rateLimitPerMinute: number;
  /** A socket with no traffic this long is closed (ms; Fastify's connectionTimeout). */
  connectionTimeoutMs: number;
  /** A request's headers must have arrived this long after its first byte (ms; slowloris). */
  headersTimeoutMs: number;
  /** A whole request (headers and body) must have arrived within this (ms). */
  requestTimeoutMs: number;
  /** An idle keep-alive socket is closed after this (ms). */
  keepAliveTimeoutMs: number;
  /** Most sockets open at once; further connections are closed as they arrive. */
  maxConnections: number;
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
  indexWaitMs: 250,
  maxHeadAgeMs: 2_000,
  maxSkewSeconds: 120,
  maxSessionSeconds: 900,
  challengeTtlSeconds: 300,
  bodyLimitBytes: 64 * 1024,
  rateLimitPerMinute: 1_200,
  registrarRateLimitPerMinute: 12_000,
  connectionTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 2_048,
  statutoryDisclosureDelaySeconds: 0,
};

// Data categories by scope bit (bit i = DEFAULT_CATEGORIES[i]) are the SDK's; a deployment may set its
// own list in `categories`. The vault stores records under these names.
export { DEFAULT_CATEGORIES };

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
  /**
   * Which reverse proxies to believe about the client address (X-Forwarded-For), as Fastify's
   * trustProxy: `true` (any: only when nothing but the proxy can reach the gateway), addresses or
   * CIDRs ("127.0.0.1", "10.0.0.0/8"). Default none: the socket's address. Only
   * unauthenticated callers are rate-limited by address; agencies are limited by their account.
   */
  trustProxy?: boolean | string | string[];
  /**
   * The newest chain head, learned apart from the index (startGateway passes its HeadWatcher, which
   * follows newHeads over a WebSocket or polls). Without it only heads the index saw count.
   */
  heads?: { readonly head: number; readonly lastHeardAt: number; poll?(): Promise<void>; clearThrough?(indexed: number): { block: number; time: number } };
  /** Serve the OpenAPI UI at /docs (default true). */
  docs?: boolean;
  /** Names of agencies, purposes and data categories for GET /v1/directory; the defaults are in routes/directory.ts. */
  directory?: DirectorySettings;
  /** The built web app (web/dist) to serve at /; false serves none. Default: web/dist of this repository when it is built. */
  webRoot?: string | false;
  /** The life-event services component (node/services) behind GET /v1/citizen/services; without it those routes answer 503. */
  services?: ServicesDesk;
  /**
   * Departments that own categories at their source (node/vault/Departments): predicates on an owned
   * category are asked of its department, which answers signed; `vault` should be `departments.route(local)`.
   */
  departments?: Departments;
  /** Approval steps of service applications (node/approvals), behind /v1/approvals; without it those routes answer 503. */
  approvals?: ApprovalBook;
  /** After a migration: the retired chain, whose events before the move the network does not have (agency registrations). */
  history?: ChainHistory;
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
  // A setting given as undefined (an unset imi.json field passed through) keeps its default.
  const limits = { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(options.limits ?? {}).filter(([, v]) => v !== undefined)) } as GatewayLimits;
  for (const [key, value] of Object.entries(limits))
    if (!Number.isSafeInteger(value) || value < 0) throw invalid(`limits.${key}`, "must be a non-negative integer.");
  if (limits.maxConnections < 1) throw invalid("limits.maxConnections", "must be at least 1.");
  if (limits.indexWaitMs > 10_000) throw invalid("limits.indexWaitMs", "must be at most 10000 (a request waits this long for the index).");
  if (limits.requestTimeoutMs > 0 && limits.headersTimeoutMs > limits.requestTimeoutMs)
    throw invalid("limits.headersTimeoutMs", "must not exceed limits.requestTimeoutMs.");
  const categories = options.categories ?? DEFAULT_CATEGORIES;
  if (categories.length === 0 || categories.length > 256 || new Set(categories).size !== categories.length)
    throw invalid("categories", "give 1 to 256 distinct category names (index = scope bit).");
  return { ...options, limits, categories, now: options.now ?? Date.now };
}
