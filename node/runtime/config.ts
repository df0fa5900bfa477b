// The node's configuration: defaults < the data directory's imi.json (or --config) < environment
// < command-line flags. Parsed and validated once at start; a bad setting stops the start with a
// message that names the setting and the fix.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { NodeError } from "../NodeError.js";

const port = z.number().int().min(0).max(65535);
const host = z.string().min(1).max(255);
const localizedName = z.object({ "zh-CN": z.string().min(1).max(120), en: z.string().min(1).max(120) }).strict();

export const ImiConfigSchema = z
  .object({
    dataDir: z.string().min(1),
    chain: z
      .object({
        chainId: z.number().int().positive().max(2 ** 53 - 1),
        host,
        port,
        /** Seal an empty block at least this often (0: only when transactions arrive). */
        blockIntervalMs: z.number().int().min(0).max(3_600_000),
        /**
         * Use this EVM JSON-RPC endpoint (Besu, Hardhat's node ...) instead of the embedded chain.
         * The node's deployer and gateway accounts must be able to send transactions there.
         */
        rpcUrl: z.string().url().optional(),
        wsUrl: z.string().url().optional(),
        /**
         * With rpcUrl: each validator's PERM endpoint on this machine's loopback (Besu's rpc-ws with
         * the PERM API). The node keeps every validator's account allowlist equal to AccountRules
         * (node/runtime/allowlistSync.ts, docs/scale-out.md).
         */
        validators: z.array(z.string().regex(/^(https?|wss?):\/\/\S+$/, "an http(s):// or ws(s):// URL")).max(64).optional(),
        /** How often the allowlist synchroniser runs a round (ms). Default 5,000. */
        allowlistSyncIntervalMs: z.number().int().min(100).max(3_600_000).optional(),
      })
      .strict(),
    gateway: z
      .object({
        host,
        port,
        /** The gateway's public origin, named in logins and identity proofs. Default: its URL. */
        audience: z.string().min(1).max(200).optional(),
        /** No longer read: the gateway never decides from an index behind a head it has seen (indexWaitMs). Kept so older imi.json files load. */
        maxIndexLagBlocks: z.number().int().min(0).max(10_000).optional(),
        /** How long a request waits for the index to reach a head the gateway has seen before 503 INDEX_BEHIND (ms). */
        indexWaitMs: z.number().int().min(0).max(10_000).optional(),
        /** Which reverse proxies to believe about the client address (X-Forwarded-For): true, or addresses/CIDRs. Default none. */
        trustProxy: z.union([z.boolean(), z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
        /** Statutory accesses stay out of the citizen's own view this long (covert investigations); 0 shows them at once. */
        statutoryDisclosureDelaySeconds: z.number().int().min(0).max(5 * 365 * 24 * 3600),
        /** Requests per minute per caller (agency, staff account, else client address). Default 1,200. */
        rateLimitPerMinute: z.number().int().min(1).max(10_000_000).optional(),
        /** Registrations per minute per registrar, a budget of their own (bulk imports pace under it). Default 12,000. */
        registrarRateLimitPerMinute: z.number().int().min(1).max(10_000_000).optional(),
        /** The built web app to serve at / (a Vite build directory). Default: web/dist of this installation. */
        webRoot: z.string().min(1).max(4096).optional(),
      })
      .strict(),
    anchoring: z
      .object({
        maxRecords: z.number().int().min(1).max(100_000),
        intervalMs: z.number().int().min(10).max(3_600_000),
      })
      .strict(),
    recoveryDelaySeconds: z.number().int().min(3600).max(365 * 24 * 3600),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    /**
     * Departments that own data categories at their source (docs/departments.md): each one's system
     * (the HTTP vault protocol), its own token, the categories it owns and the account it signs its
     * yes/no answers with (role department on chain). Checked again at start (DEPARTMENT_CONFIG_INVALID).
     */
    departments: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
            url: z.string().url(),
            token: z.string().min(32).max(1024),
            categories: z.array(z.string().min(1).max(64)).min(1).max(256),
            account: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
            timeoutMs: z.number().int().min(1).max(60_000).optional(),
          })
          .strict(),
      )
      .max(64)
      .optional(),
    storage: z
      .object({
        /**
         * Table files each LevelDB store keeps open (and mapped). 74, LevelDB's least, bounds a
         * store's mapped tables to about 128 MB; more makes random reads of a large store cheaper
         * and costs memory (docs/scale.md, "Mapped tables").
         */
        maxOpenFiles: z.number().int().min(74).max(50_000).optional(),
      })
      .strict()
      .optional(),
    /** Names of agencies, purposes and data categories in zh-CN and en, served at GET /v1/directory for the web app. */
    directory: z
      .object({ agencies: z.record(localizedName).optional(), purposes: z.record(localizedName).optional(), categories: z.record(localizedName).optional() })
      .strict()
      .optional(),
  })
  .strict();

export type ImiConfig = z.infer<typeof ImiConfigSchema>;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type ImiConfigInput = DeepPartial<ImiConfig>;

export const DEFAULT_DATA_DIR = ".imi";

export function defaultConfig(dataDir: string): ImiConfig {
  return {
    dataDir,
    chain: { chainId: 7337, host: "127.0.0.1", port: 8545, blockIntervalMs: 0 },
    gateway: { host: "127.0.0.1", port: 8080, statutoryDisclosureDelaySeconds: 0 },
    anchoring: { maxRecords: 1000, intervalMs: 1000 },
    recoveryDelaySeconds: 3 * 24 * 3600,
    logLevel: "info",
  };
}

/** Environment variables the node reads, and the setting each one sets. */
export const ENVIRONMENT: Record<string, { path: string[]; type: "number" | "string" }> = {
  IMI_DATA_DIR: { path: ["dataDir"], type: "string" },
  IMI_CHAIN_ID: { path: ["chain", "chainId"], type: "number" },
  IMI_CHAIN_HOST: { path: ["chain", "host"], type: "string" },
  IMI_CHAIN_PORT: { path: ["chain", "port"], type: "number" },
  IMI_CHAIN_RPC_URL: { path: ["chain", "rpcUrl"], type: "string" },
  IMI_CHAIN_WS_URL: { path: ["chain", "wsUrl"], type: "string" },
  IMI_GATEWAY_HOST: { path: ["gateway", "host"], type: "string" },
  IMI_GATEWAY_PORT: { path: ["gateway", "port"], type: "number" },
  IMI_GATEWAY_AUDIENCE: { path: ["gateway", "audience"], type: "string" },
  IMI_GATEWAY_WEB_ROOT: { path: ["gateway", "webRoot"], type: "string" },
  IMI_LOG_LEVEL: { path: ["logLevel"], type: "string" },
  IMI_STORAGE_MAX_OPEN_FILES: { path: ["storage", "maxOpenFiles"], type: "number" },
};

function settingError(setting: string, problem: string, fix: string): NodeError {
  return new NodeError("CONFIG_INVALID", `${setting}: ${problem}. ${fix}`, { details: { setting } });
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] =
      typeof value === "object" && value !== null && !Array.isArray(value) && typeof current === "object" && current !== null
        ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

export function configFromEnvironment(env: NodeJS.ProcessEnv): ImiConfigInput {
  const out: Record<string, unknown> = {};
  for (const [name, { path, type }] of Object.entries(ENVIRONMENT)) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    if (type === "number") {
      const value = Number(raw);
      if (!Number.isFinite(value)) throw settingError(name, `${JSON.stringify(raw)} is not a number`, "Give a whole number.");
      setPath(out, path, value);
    } else setPath(out, path, raw);
  }
  return out as ImiConfigInput;
}

/**
 * Resolves the configuration. `configFile` defaults to `<dataDir>/imi.json` (optional there);
 * a file named explicitly must exist.
 */
export async function loadConfig(options: {
  flags?: ImiConfigInput;
  env?: NodeJS.ProcessEnv;
  configFile?: string;
}): Promise<ImiConfig> {
  const env = options.env ?? process.env;
  const fromEnv = configFromEnvironment(env);
  const dataDir = resolve(options.flags?.dataDir ?? fromEnv.dataDir ?? DEFAULT_DATA_DIR);
  const file = options.configFile ?? join(dataDir, "imi.json");
  let fromFile: Record<string, unknown> = {};
  try {
    fromFile = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    if (typeof fromFile !== "object" || fromFile === null || Array.isArray(fromFile)) {
      throw settingError(file, "is not a JSON object", "Write the settings as one JSON object.");
    }
  } catch (error) {
    if (error instanceof NodeError) throw error;
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    if (!missing || options.configFile !== undefined) {
      throw settingError(
        file,
        missing ? "does not exist" : `cannot be read as JSON (${(error as Error).message})`,
        missing ? "Give the path of an existing config file." : "Fix the JSON syntax.",
      );
    }
  }
  const merged = merge(
    merge(merge(defaultConfig(dataDir) as unknown as Record<string, unknown>, fromFile), fromEnv as Record<string, unknown>),
    (options.flags ?? {}) as Record<string, unknown>,
  );
  merged.dataDir = dataDir;
  const parsed = ImiConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = issue.path.join(".") || "(config)";
    throw settingError(setting, issue.message.toLowerCase(), fixFor(issue.path));
  }
  return parsed.data;
}

function fixFor(path: (string | number)[]): string {
  const last = String(path.at(-1) ?? "");
  if (last === "port") return "Give a port number from 0 to 65535 (0 picks a free one).";
  if (last === "chainId") return "Give a positive whole number (the same on every start of this data directory).";
  if (last === "logLevel") return "Use one of fatal, error, warn, info, debug, trace, silent.";
  if (last === "recoveryDelaySeconds") return "Give at least 3600 seconds.";
  if (path[0] === "departments") return "Each department needs name, url, token (32+ characters), categories and account; see docs/departments.md.";
  return "See docs/operator.md for the allowed values; remove unknown settings.";
}
