import { readFile } from "node:fs/promises";
import { Transaction } from "ethers";
import type { ImiClient } from "@imi-ledger/sdk";
import type { LocalAccount } from "@imi-ledger/sdk";
import type { Address, Hex } from "@imi-ledger/sdk";
import { CliError, EXIT } from "../../CliError.js";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { toCliError, usage } from "../../internal/errors.js";
import { gatewayJson, staffLogin } from "../../internal/gateway.js";
import { pacer, type Pacer } from "../../internal/pace.js";
import { integer } from "../../internal/parse.js";
import { progressBar } from "../../internal/progress.js";
import { reasonText } from "../../internal/refusals.js";
import { signCall } from "../../internal/transactions.js";
import { citizenRow, readCitizenCsv, writeRejects, type CitizenRow, type CsvLine } from "./citizenCsv.js";
import { signRegistration, submitRegistration, type SignedRegistration } from "./register.js";

export type ImportCitizensOptions = NodeOptions & KeyOptions & { file: string; dryRun?: boolean; progress?: boolean; rejects?: string; inFlight?: string };

export type RejectedRow = { row: number; code: string; reason: string };
export type ImportCitizensResult = {
  total: number;
  registered: Array<{ row: number; citizen: Hex; controller: Address; blockNumber: number }>;
  /** Rows whose key already controls an identity (an earlier run of the same file): skipped, not errors. */
  alreadyRegistered: Array<{ row: number; citizen: Hex; controller: Address }>;
  rejected: RejectedRow[];
  /** Where the rejected rows were written, with their reasons, ready to correct and import again. */
  rejectsFile?: string;
  dryRun: boolean;
  /** Registrations per second the gateway allows this registrar, and the pace this run kept under it. */
  budgetPerMinute?: number;
  pacePerSecond?: number;
  /** Rows settled (registered, skipped, rejected) per second of the run. */
  seconds: number;
  rowsPerSecond: number;
  /** Gateway refusals that meant "not now" (busy, catching up) and were sent again, by code. */
  retries: number;
  retriedCodes: Record<string, number>;
};

/**
 * Registrations in flight at once: their transactions share blocks instead of waiting in line, and
 * the gateway's index catches up once per block rather than once per row.
 */
const IN_FLIGHT = 16;

/**
 * The registrar's nonces while several registrations are in flight. A nonce taken by a row that
 * is refused before its transaction reaches the chain comes back: the next row takes it, or, when
 * no row is left, a no-op transaction fills it, because the chain holds every later nonce until
 * the gap is filled.
 */
export class NonceBook {
  private next: number;
  private readonly free: number[] = [];

  constructor(
    private readonly client: ImiClient,
    private readonly account: LocalAccount,
    first: number,
  ) {
    this.next = first;
  }

  take(): number {
    if (this.free.length > 0) {
      this.free.sort((a, b) => a - b);
      return this.free.shift()!;
    }
    return this.next++;
  }

  /** Whether a signed transaction reached the chain (pending or mined), so its nonce is spent. */
  async used(signed: string | undefined): Promise<boolean> {
    if (signed === undefined) return false;
    try {
      return (await this.client.request("eth_getTransactionByHash", [Transaction.from(signed).hash])) !== null;
    } catch {
      return true; // Unknown: assume spent; a wrong guess leaves a gap fillGaps closes.
    }
  }

  async release(nonce: number, last: boolean): Promise<void> {
    this.free.push(nonce);
    // Free nonces at the top are simply not taken yet.
    for (let top = this.free.indexOf(this.next - 1); top >= 0; top = this.free.indexOf(this.next - 1)) {
      this.free.splice(top, 1);
      this.next--;
    }
    if (last) await this.fillGaps();
  }

  /** Sends a no-op (0 to itself) for each free nonce below the highest one taken. */
  async fillGaps(): Promise<void> {
    const gaps = this.free.splice(0).filter((n) => n < this.next);
    for (const nonce of gaps) {
      const raw = await signCall(this.client, this.account, this.account.address, "0x", nonce);
      await this.client.request("eth_sendRawTransaction", [raw]).catch(() => undefined);
    }
  }
}

/** A refusal's code and HTTP status, whichever gateway client threw it. */
export function refusal(error: unknown): { code: string; status?: number; cli: unknown } {
  const cli = toCliError(error);
  const code = cli instanceof CliError ? cli.code : "IMI_UNEXPECTED";
  const raw = (error as { status?: unknown }).status ?? (cli as { status?: unknown }).status;
  return { code, status: typeof raw === "number" ? raw : undefined, cli };
}

/** Logins last ten minutes (the gateway allows up to fifteen): renewed well before. */
const RENEW_LOGIN_MS = 8 * 60_000;

/**
 * The registrar's gateway login for a run that outlasts one session: renewed before it runs out,
 * and at once when the gateway says it has expired. One login at a time, shared by every
 * registration in flight.
 */
export class StaffSession {
  private current: Promise<{ token: string; renewAt: number }> | undefined;

  constructor(private readonly login: () => Promise<string>) {}

  private fresh(): Promise<{ token: string; renewAt: number }> {
    const next = this.login().then((token) => ({ token, renewAt: Date.now() + RENEW_LOGIN_MS }));
    next.catch(() => {
      if (this.current === next) this.current = undefined;
    });
    return next;
  }

  async token(): Promise<string> {
    const held = this.current ?? (this.current = this.fresh());
    const session = await held;
    if (Date.now() < session.renewAt) return session.token;
    if (this.current === held) this.current = this.fresh();
    return (await this.current).token;
  }

  /** The gateway refused `token` as expired: the next caller logs in again, once. */
  expired(token: string): void {
    const held = this.current;
    if (held) this.current = held.then((session) => (session.token === token ? this.fresh() : session));
  }
}

/**
 * "Not now" rather than "no": the gateway refused before doing anything (busy, index catching up,
 * chain briefly unreachable), so the same signed registration may be sent again.
 */
export function transient(r: { code: string; status?: number }): boolean {
  // Every 503 but REGISTRATION_PENDING (handled apart) is the gateway refusing before it did anything.
  if (r.status === 503) return r.code !== "REGISTRATION_PENDING";
  return r.status === 429 || r.code === "RATE_LIMITED" || r.code === "INDEX_BEHIND" || r.code === "CHAIN_UNAVAILABLE" || r.code === "INDEX_UNAVAILABLE" || r.code === "GATEWAY_UNREACHABLE";
}
/** Refusals about the registrar, not the row. */
export const RUN_FATAL = new Set(["AUTH_REQUIRED", "INVALID_TOKEN", "SESSION_EXPIRED", "ROLE_NOT_HELD", "WRONG_ROLE", "NO_ROLE", "WRONG_SIGNER", "TX_REJECTED", "AccessManagerUnauthorizedAccount", "AccessManagedUnauthorized"]);
/** Waits between attempts: about a minute in all, the gateway's rate window. */
export const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

export type Outcome =
  | { kind: "registered"; citizen: Hex; blockNumber: number }
  | { kind: "already"; citizen: Hex }
  | { kind: "rejected"; code: string; reason: string };

export function rejected(code: string, reason?: string): Outcome {
  return { kind: "rejected", code, reason: reason ?? reasonText(code) };
}

/**
 * Registers every valid row of a CSV, several at a time, paced under the gateway's registration
 * budget, and reports each row: registered, already registered (its key controls an identity, from
 * an earlier run), or rejected with the reason. Rejected rows are written to a file with their
 * reasons. A rejected row changes nothing; the others go on.
 */
export async function importCitizens(options: ImportCitizensOptions): Promise<ImportCitizensResult> {
  const started = Date.now();
  let text: string;
  try {
    text = await readFile(options.file, "utf8");
  } catch {
    throw usage("CSV_UNREADABLE", `cannot read ${options.file}`);
  }
  const csv = readCitizenCsv(text, options.file);
  const inFlight = options.inFlight === undefined ? IN_FLIGHT : integer("--in-flight", options.inFlight, 1, 256);

  const rejects: Array<{ line: CsvLine; code: string; reason: string }> = [];
  const valid: Array<{ line: CsvLine; row: CitizenRow }> = [];
  const seen = new Map<string, number>();
  for (const line of csv.lines) {
    try {
      const row = citizenRow(line);
      const key = row.controller.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) throw usage("DUPLICATE_CONTROLLER", `the same key as line ${first}`);
      seen.set(key, line.line);
      valid.push({ line, row });
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      rejects.push({ line, code: error.code, reason: error.message });
    }
  }

  const registered: ImportCitizensResult["registered"] = [];
  const alreadyRegistered: ImportCitizensResult["alreadyRegistered"] = [];
  let retries = 0;
  const retriedCodes: Record<string, number> = {};
  let pace: Pacer | undefined;
  let budgetPerMinute: number | undefined;
  if (!options.dryRun && valid.length > 0) {
    const node = await connect(options);
    const gateway = node.requireGateway();
    const registrar = await loadKey(options);
    const client = node.client(registrar);
    const session = new StaffSession(() => staffLogin(gateway, node.deployment.chainId, registrar));
    budgetPerMinute = (await gatewayJson<{ registrationsPerMinute: number }>(gateway, "/v1/registrar/budget", { token: await session.token() })).registrationsPerMinute;
    pace = pacer(budgetPerMinute);
    const nonces = new NonceBook(client, registrar, Number(BigInt(await client.request<string>("eth_getTransactionCount", [registrar.address, "pending"]))));

    /** What the chain says about this row now: its key's identity, if any. */
    const onChain = async (row: CitizenRow): Promise<Outcome | undefined> => {
      const existing = await client.identity.identityOf({ key: row.controller });
      if (existing) {
        if (row.citizenGiven && existing.toLowerCase() !== row.citizen.toLowerCase())
          return rejected("KEY_IN_USE", `${reasonText("KEY_IN_USE")}: it controls ${existing}, not ${row.citizen}`);
        return { kind: "already", citizen: existing };
      }
      if (row.citizenGiven && (await client.identity.get({ citizen: row.citizen })).status !== "none") return rejected("CITIZEN_EXISTS", `${reasonText("CITIZEN_EXISTS")}, to another key`);
      return undefined;
    };

    /** After our own registration was refused as a duplicate: did our own transaction land? */
    const landed = async (row: CitizenRow, signed: SignedRegistration): Promise<Outcome | undefined> => {
      const existing = await client.identity.identityOf({ key: row.controller });
      if (!existing) return undefined;
      if (existing.toLowerCase() !== row.citizen.toLowerCase()) return row.citizenGiven ? rejected("KEY_IN_USE") : { kind: "already", citizen: existing };
      const receipt = await client.request<{ blockNumber: string } | null>("eth_getTransactionReceipt", [Transaction.from(signed.signedTransaction).hash]);
      return receipt ? { kind: "registered", citizen: existing, blockNumber: Number(BigInt(receipt.blockNumber)) } : { kind: "already", citizen: existing };
    };

    const settle = async (row: CitizenRow, last: () => boolean): Promise<Outcome> => {
      const before = await onChain(row);
      if (before) return before;
      await pace!.turn();
      const nonce = nonces.take();
      let signed: SignedRegistration | undefined;
      try {
        signed = await signRegistration(client, registrar, row, nonce);
        let renewed = 0;
        for (let attempt = 0; ; attempt++) {
          let token: string | undefined;
          try {
            token = await session.token();
            const out = await submitRegistration(gateway, token, signed);
            return { kind: "registered", citizen: out.citizen, blockNumber: out.blockNumber };
          } catch (error) {
            const r = refusal(error);
            if (r.code === "CITIZEN_EXISTS" || r.code === "KEY_IN_USE") {
              const outcome = await landed(row, signed);
              if (outcome) return outcome;
            }
            // Broadcast but not in a block yet. Sending it again would be refused as known and make
            // the gateway drop the record, so wait for this transaction instead.
            if (r.code === "REGISTRATION_PENDING") {
              for (let waited = 0; waited < 60; waited++) {
                const outcome = await landed(row, signed);
                if (outcome) return outcome;
                await new Promise((resolve) => setTimeout(resolve, 1_000));
              }
              return rejected("REGISTRATION_PENDING", "sent to the chain but not in a block after a minute; import the file again later: if it lands, the row shows as already registered");
            }
            // A login lasts minutes and a big file takes longer: log in again, send the same registration.
            if ((r.code === "SESSION_EXPIRED" || r.code === "INVALID_TOKEN") && token !== undefined && renewed++ < 2) {
              session.expired(token);
              attempt--;
              continue;
            }
            const delay = RETRY_DELAYS_MS[attempt];
            if (!transient(r) || delay === undefined) throw error;
            retries++;
            retriedCodes[r.code] = (retriedCodes[r.code] ?? 0) + 1;
            await new Promise((resolve) => setTimeout(resolve, delay));
            await pace!.turn();
          }
        }
      } catch (error) {
        // Refused before it reached the chain (estimate, gateway checks): the nonce is free again.
        if (!(await nonces.used(signed?.signedTransaction))) await nonces.release(nonce, last());
        const r = refusal(error);
        // The gateway or the chain stays unreachable, or the registrar may not register at all:
        // every further row would fail the same way, so stop; whatever is registered stays.
        if (!(r.cli instanceof CliError) || r.cli.exitCode === EXIT.unavailable || RUN_FATAL.has(r.code)) throw r.cli;
        return rejected(r.code, reasonText(r.code) === r.code ? r.cli.message : reasonText(r.code));
      }
    };

    const bar = progressBar(valid.length, "registering", options.progress !== false);
    const queue = [...valid];
    const worker = async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        const outcome = await settle(item.row, () => queue.length === 0);
        if (outcome.kind === "registered") registered.push({ row: item.row.row, citizen: outcome.citizen, controller: item.row.controller, blockNumber: outcome.blockNumber });
        else if (outcome.kind === "already") alreadyRegistered.push({ row: item.row.row, citizen: outcome.citizen, controller: item.row.controller });
        else rejects.push({ line: item.line, code: outcome.code, reason: outcome.reason });
        bar.tick();
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(inFlight, valid.length) }, worker));
    } catch (error) {
      const done = registered.length + alreadyRegistered.length;
      const e = toCliError(error);
      if (e instanceof CliError)
        throw new CliError(e.code, `${e.message}\n  stopped after ${done} of ${csv.lines.length} rows; run the same file again: rows already registered are skipped`, { exitCode: e.exitCode, cause: error });
      throw e;
    } finally {
      bar.stop();
    }
    await nonces.fillGaps();
    registered.sort((a, b) => a.row - b.row);
    alreadyRegistered.sort((a, b) => a.row - b.row);
  }
  const rejectsFile = await writeRejects(options, csv.header, rejects);
  const seconds = (Date.now() - started) / 1000;
  return {
    total: csv.lines.length,
    registered,
    alreadyRegistered,
    rejected: rejects.map((r) => ({ row: r.line.line, code: r.code, reason: r.reason })),
    rejectsFile,
    dryRun: options.dryRun === true,
    budgetPerMinute,
    pacePerSecond: pace ? Math.round(pace.perSecond * 10) / 10 : undefined,
    seconds: Math.round(seconds * 10) / 10,
    rowsPerSecond: Math.round((csv.lines.length / Math.max(seconds, 0.001)) * 10) / 10,
    retries,
    retriedCodes,
  };
}
