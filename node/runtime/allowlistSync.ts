// Keeps each Besu validator's local account allowlist equal to AccountRules.
//
// Besu 25.6 removed on-chain account permissioning (CHANGELOG "Remove onchain permissioning
// #8597"): a validator admits senders only by its local allowlist, changed at run time through
// the PERM JSON-RPC methods. The synchroniser reads the allowlist AccountRules holds (replayed from
// its AccountAllowed / AccountDisallowed events), asks each validator for its own with
// perm_getAccountsAllowlist and sends the difference with perm_addAccountsToAllowlist and
// perm_removeAccountsFromAllowlist. An on-chain change is enforced by a validator only once a
// round has reached it: the window is one round interval plus the round itself, longer for a
// validator that cannot be reached. A validator that cannot be reached (or answers an error) is
// reported and left as it was, the others are still brought in step, and the next round tries
// it again; until then it keeps admitting what its own list says, so a revocation
// is complete only when a round reports every validator in step (`inStep`).
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Contract, JsonRpcProvider, getAddress } from "ethers";
import { NodeError } from "../NodeError.js";
import { allowlistFromChain } from "./besuConfig.js";
import type { DeploymentManifest } from "./deploy.js";
import { readMigrationRecord } from "./migration.js";

const RULES_EVENTS = [
  "event AccountAllowed(address indexed account, address indexed by)",
  "event AccountDisallowed(address indexed account, address indexed by)",
  "function allowedCount() view returns (uint256)",
];

export type ValidatorSync = {
  url: string;
  ok: boolean;
  added: string[];
  removed: string[];
  /** Why the validator could not be brought in step (unreachable, or its refusal). */
  error?: { code: string; message: string };
};

export type AllowlistSyncRound = { allowlist: string[]; validators: ValidatorSync[]; inStep: boolean };

export type AllowlistSyncOptions = {
  /** JSON-RPC endpoint to read AccountRules from (any node of the network). */
  rpcUrl: string;
  accountRules: string;
  /** Block to replay AccountRules' events from (deployment.json's fromBlock). */
  fromBlock?: number;
  /** The allowlist as it stood before `fromBlock`: after a migration, at the retired chain's end (migration.json). */
  initial?: readonly string[];
  /** Each validator's PERM endpoint (http(s):// or ws(s)://, on its loopback). */
  validators: string[];
  /** How long to wait for one validator's answer (default 5 s). */
  timeoutMs?: number;
};

/** One JSON-RPC call over HTTP or WebSocket, with a time limit. */
async function call(url: string, method: string, params: unknown[], timeoutMs: number): Promise<unknown> {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });
  let reply: { result?: unknown; error?: { code: number; message: string } };
  if (/^wss?:\/\//.test(url)) {
    reply = await new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const timer = setTimeout(() => (socket.close(), reject(new Error(`no answer within ${timeoutMs} ms`))), timeoutMs);
      socket.onopen = () => socket.send(body);
      socket.onerror = () => (clearTimeout(timer), reject(new Error("cannot connect")));
      socket.onmessage = (event) => {
        clearTimeout(timer);
        socket.close();
        resolve(JSON.parse(String(event.data)) as typeof reply);
      };
    });
  } else {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(timeoutMs) });
    reply = (await res.json()) as typeof reply;
  }
  if (reply.error !== undefined) throw new NodeError("ALLOWLIST_SYNC_REFUSED", `${method}: ${reply.error.message}`, { details: { rpcCode: reply.error.code } });
  return reply.result;
}

/** Brings one validator's allowlist to `target`. */
async function syncValidator(url: string, target: string[], timeoutMs: number): Promise<ValidatorSync> {
  try {
    const current = new Set(((await call(url, "perm_getAccountsAllowlist", [], timeoutMs)) as string[]).map((a) => getAddress(a)));
    const wanted = new Set(target);
    const added = target.filter((a) => !current.has(a));
    const removed = [...current].filter((a) => !wanted.has(a)).sort();
    // Additions first: an account moving between lists is never briefly refused on both.
    if (added.length > 0) await call(url, "perm_addAccountsToAllowlist", [added], timeoutMs);
    if (removed.length > 0) await call(url, "perm_removeAccountsFromAllowlist", [removed], timeoutMs);
    return { url, ok: true, added, removed };
  } catch (error) {
    const code = error instanceof NodeError ? error.code : "ALLOWLIST_VALIDATOR_UNREACHABLE";
    return { url, ok: false, added: [], removed: [], error: { code, message: (error as Error).message } };
  }
}

/** One round: reads AccountRules and brings every validator in step; never throws for a validator's fault. */
export async function syncAllowlistOnce(options: AllowlistSyncOptions): Promise<AllowlistSyncRound> {
  const provider = new JsonRpcProvider(options.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  let allowlist: string[];
  try {
    const rules = new Contract(options.accountRules, RULES_EVENTS, provider);
    allowlist = await allowlistFromChain(rules, options.fromBlock ?? 0, options.initial);
    // The replay must give as many accounts as the contract counts: events missing from the node
    // (a migration's history, a pruned log) would otherwise remove accounts that are still allowed.
    const count = Number(await rules.getFunction("allowedCount")());
    if (count !== allowlist.length) {
      throw new NodeError("ALLOWLIST_RULES_INCOMPLETE", `AccountRules counts ${count} allowed accounts, its events give ${allowlist.length}`, { details: { count, replayed: allowlist.length } });
    }
  } catch (cause) {
    if (cause instanceof NodeError) throw cause;
    // Without the rules nothing is changed anywhere: a validator keeps its list rather than get a guessed one.
    throw new NodeError("ALLOWLIST_RULES_UNREADABLE", `cannot read AccountRules at ${options.rpcUrl}`, { cause });
  } finally {
    provider.destroy();
  }
  const validators = await Promise.all(options.validators.map((url) => syncValidator(url, allowlist, options.timeoutMs ?? 5_000)));
  return { allowlist, validators, inStep: validators.every((v) => v.ok) };
}

/** Runs rounds every `intervalMs` until stopped; each round's result goes to `onRound`. */
export function startAllowlistSync(options: AllowlistSyncOptions & { intervalMs: number; onRound(round: AllowlistSyncRound | NodeError): void }): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const round = () => {
    running = syncAllowlistOnce(options)
      .then((r) => options.onRound(r), (error: unknown) => options.onRound(error instanceof NodeError ? error : new NodeError("ALLOWLIST_SYNC_FAILED", String(error), { cause: error })))
      .finally(() => {
        if (!stopped) timer = setTimeout(round, options.intervalMs);
      });
  };
  round();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** What a data directory's deployment gives the synchroniser: AccountRules, where its events start, and (after a migration) the list before them. */
export async function allowlistSyncOptions(dataDir: string, manifest: DeploymentManifest, rpcUrl: string, validators: string[]): Promise<AllowlistSyncOptions> {
  const accountRules = manifest.contracts.accountRules;
  if (!accountRules) throw new NodeError("ALLOWLIST_NO_ACCOUNT_RULES", "deployment.json names no AccountRules contract");
  let initial: string[] | undefined;
  if (manifest.continues !== undefined) {
    const record = await readMigrationRecord(dataDir);
    if (record?.allowlist === undefined || record.chainId !== manifest.chainId) {
      throw new NodeError("ALLOWLIST_NO_MIGRATION_RECORD", `${dataDir} holds no migration.json with the allowlist at the move to chain ${manifest.chainId}`);
    }
    initial = record.allowlist;
  }
  return { rpcUrl, accountRules, fromBlock: manifest.fromBlock ?? 0, initial, validators };
}

/** The running node writes each round here; `imi allowlist-sync --status` reads it. */
export const ALLOWLIST_SYNC_FILE = "allowlist-sync.json";

export type AllowlistSyncStatus = { at: string; round?: AllowlistSyncRound; error?: { code: string; message: string } };

export async function writeAllowlistSyncStatus(dataDir: string, status: AllowlistSyncStatus): Promise<void> {
  const path = join(dataDir, ALLOWLIST_SYNC_FILE);
  await writeFile(path + ".tmp", JSON.stringify(status) + "\n", { mode: 0o644 });
  await rename(path + ".tmp", path);
}

export async function readAllowlistSyncStatus(dataDir: string): Promise<AllowlistSyncStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, ALLOWLIST_SYNC_FILE), "utf8")) as AllowlistSyncStatus;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
