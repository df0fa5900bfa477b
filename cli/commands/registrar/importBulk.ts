// The bulk path of `imi registrar import` (docs/scale.md): the file is streamed, never held whole;
// valid rows go out in batches of up to 500, each one IdentityRegistry.registerBatch transaction
// and one vault write at the gateway; several batches are in flight at once so the chain always
// has the next one waiting. The chain takes a batch whole or not at all; a batch it would refuse
// is taken apart row by row here, so each bad row is reported on its own and the rest go in.
import { Interface, Transaction } from "ethers";
import { identityRegistryAbi, randomBytes32, recordCommitment, REGISTER_BATCH_MAX } from "@imi-ledger/sdk";
import type { Address, Hex, ImiClient, LocalAccount } from "@imi-ledger/sdk";
import { CliError, EXIT } from "../../CliError.js";
import { connect, loadKey } from "../../internal/connect.js";
import { toCliError, usage } from "../../internal/errors.js";
import { gatewayJson, staffLogin } from "../../internal/gateway.js";
import { pacer, type Pacer } from "../../internal/pace.js";
import { integer } from "../../internal/parse.js";
import { progressBar } from "../../internal/progress.js";
import { reasonText } from "../../internal/refusals.js";
import { citizenLines, citizenRow, writeRejects, scanCitizenCsv, type CitizenRow, type CsvLine } from "./citizenCsv.js";
import {
  NonceBook,
  refusal,
  rejected,
  RETRY_DELAYS_MS,
  RUN_FATAL,
  StaffSession,
  transient,
  type ImportCitizensOptions,
  type ImportCitizensResult,
  type Outcome,
} from "./importCsv.js";

const identityRegistry = new Interface(identityRegistryAbi as never);

/**
 * Rows per transaction by default: 100 rows at {@link GAS_PER_ROW} stay under 2^24 gas, the
 * per-transaction cap of current forks (EIP-7825; Hardhat's node refuses more), so the same
 * import works against any EVM node.
 */
export const BATCH_ROWS = 100;
/** Batches in flight at once: one being sealed, the next ones signed and waiting at the gateway. */
export const BATCHES_IN_FLIGHT = 4;

export type ImportBulkOptions = ImportCitizensOptions & {
  batch?: string;
  /** Count registered rows instead of listing each one (a district's file lists a million ids). */
  countsOnly?: boolean;
};

/** Seconds spent in each stage, summed over batches (stages overlap, so they add up to more than the run). */
export type ImportStages = {
  /** The file's structure check (a first pass over the whole file), before anything is sent. */
  scanSeconds: number;
  /** Connecting, logging in, checking the chain: from the scan's end to the first batch. */
  setupSeconds: number;
  readSeconds: number;
  signSeconds: number;
  gatewaySeconds: number;
  resolveSeconds: number;
  /** The gateway's own account of its part (its answer's stagesMs), summed: where gatewaySeconds goes. */
  gateway: { checksSeconds: number; vaultSeconds: number; broadcastSeconds: number; chainSeconds: number; indexSeconds: number };
};

export type ImportBulkResult = ImportCitizensResult & {
  batches: number;
  batchRows: number;
  stages: ImportStages;
  /** Rows per outcome; with countsOnly the `registered` and `alreadyRegistered` lists stay empty. */
  counts: { registered: number; alreadyRegistered: number; rejected: number };
};

type Item = { line: CsvLine; row: CitizenRow };
type SignedBatch = { rows: Array<{ citizen: Hex; controller: Address; level: number; salt: Hex; record: CitizenRow["record"] }>; signedTransaction: string };

/**
 * Gas for a batch without asking the chain: about 97k a row (four new storage slots and the
 * event, measured with bench/registerBatch.ts), given 150k. An estimate would run the whole batch
 * through the EVM once more before the block does, and a loaded chain answered 200-row estimates
 * too late (30 s); a batch that would revert still fails closed, on chain, and is taken apart as
 * any refused batch is. A --batch above 100 goes over 2^24 gas: a node with that cap refuses
 * the batch at once, and it is halved until it fits, as any refused batch is.
 */
export const GAS_PER_ROW = 150_000n;
const GAS_BASE = 100_000n;

async function signBatch(client: ImiClient, registrar: LocalAccount, items: Item[], nonce: number, gasPrice: bigint): Promise<SignedBatch> {
  const rows = items.map(({ row }) => ({ citizen: row.citizen, controller: row.controller, level: row.level, salt: randomBytes32(), record: row.record }));
  const data = identityRegistry.encodeFunctionData("registerBatch", [rows.map((r) => [r.citizen, r.controller, recordCommitment(r.record, r.salt), r.level])]) as Hex;
  const tx = Transaction.from({ type: 0, chainId: client.chainId, nonce, gasLimit: GAS_BASE + GAS_PER_ROW * BigInt(rows.length), gasPrice, to: client.deployment.contracts.identityRegistry, data, value: 0n });
  tx.signature = registrar.signDigest(tx.unsignedHash as Hex);
  return { rows, signedTransaction: tx.serialized };
}

/** Runs `f` over `items` with at most `limit` at once. */
async function eachLimited<T>(items: T[], limit: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await f(items[next++]!);
  }));
}

export async function importCitizensBulk(options: ImportBulkOptions): Promise<ImportBulkResult> {
  const started = Date.now();
  let scan: { header: string[]; rows: number };
  try {
    scan = await scanCitizenCsv(options.file);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw usage("CSV_UNREADABLE", `cannot read ${options.file}`);
  }
  const batchRows = options.batch === undefined ? BATCH_ROWS : integer("--batch", options.batch, 1, REGISTER_BATCH_MAX);
  const inFlight = options.inFlight === undefined ? BATCHES_IN_FLIGHT : integer("--in-flight", options.inFlight, 1, 64);
  const stages: ImportStages = { scanSeconds: (Date.now() - started) / 1000, setupSeconds: 0, readSeconds: 0, signSeconds: 0, gatewaySeconds: 0, resolveSeconds: 0, gateway: { checksSeconds: 0, vaultSeconds: 0, broadcastSeconds: 0, chainSeconds: 0, indexSeconds: 0 } };

  const rejects: Array<{ line: CsvLine; code: string; reason: string }> = [];
  const registered: ImportCitizensResult["registered"] = [];
  const alreadyRegistered: ImportCitizensResult["alreadyRegistered"] = [];
  let retries = 0;
  const retriedCodes: Record<string, number> = {};
  let batches = 0;
  const counts = { registered: 0, alreadyRegistered: 0, rejected: 0 };

  // The one thing kept per row of the whole file: its key, to refuse a second row with the same
  // one (about 100 bytes a row; 120 MB for a district of 1.23M).
  const seen = new Map<string, number>();
  // A row refused by the checks is done too: the bar counts every row of the file, so it ends at 100%.
  let rowDone = () => {};
  /** Valid rows in batches, read from the file only as fast as batches go out. */
  async function* batchesOf(): AsyncGenerator<Item[]> {
    let batch: Item[] = [];
    let t = performance.now();
    for await (const line of citizenLines(options.file, scan.header)) {
      try {
        const row = citizenRow(line);
        const key = row.controller.toLowerCase();
        const first = seen.get(key);
        if (first !== undefined) throw usage("DUPLICATE_CONTROLLER", `the same key as line ${first}`);
        seen.set(key, line.line);
        batch.push({ line, row });
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        rejects.push({ line, code: error.code, reason: error.message });
        rowDone();
      }
      if (batch.length === batchRows) {
        stages.readSeconds += (performance.now() - t) / 1000;
        yield batch;
        t = performance.now();
        batch = [];
      }
    }
    stages.readSeconds += (performance.now() - t) / 1000;
    if (batch.length > 0) yield batch;
  }

  let pace: Pacer | undefined;
  let budgetPerMinute: number | undefined;
  if (options.dryRun) {
    for await (const _ of batchesOf());
  } else {
    const setupStarted = performance.now();
    const node = await connect(options);
    const gateway = node.requireGateway();
    const registrar = await loadKey(options);
    const client = node.client(registrar);
    const session = new StaffSession(() => staffLogin(gateway, node.deployment.chainId, registrar));
    budgetPerMinute = (await gatewayJson<{ registrationsPerMinute: number }>(gateway, "/v1/registrar/budget", { token: await session.token() })).registrationsPerMinute;
    pace = pacer(budgetPerMinute);
    await client.verifyChain();
    const gasPrice = BigInt(await client.request<string>("eth_gasPrice"));
    const nonces = new NonceBook(client, registrar, Number(BigInt(await client.request<string>("eth_getTransactionCount", [registrar.address, "pending"]))));
    const bar = progressBar(scan.rows, "registering", options.progress !== false);
    stages.setupSeconds = (performance.now() - setupStarted) / 1000;
    rowDone = () => bar.tick();

    const record = (item: Item, outcome: Outcome) => {
      if (outcome.kind === "registered") {
        counts.registered++;
        if (!options.countsOnly) registered.push({ row: item.row.row, citizen: outcome.citizen, controller: item.row.controller, blockNumber: outcome.blockNumber });
      } else if (outcome.kind === "already") {
        counts.alreadyRegistered++;
        if (!options.countsOnly) alreadyRegistered.push({ row: item.row.row, citizen: outcome.citizen, controller: item.row.controller });
      } else rejects.push({ line: item.line, code: outcome.code, reason: outcome.reason });
      bar.tick();
    };

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

    /** Whether this batch's own transaction is in a block: its status, or undefined while it is not. */
    const mined = async (signed: SignedBatch): Promise<{ ok: boolean; blockNumber: number } | undefined> => {
      const receipt = await client.request<{ status: string; blockNumber: string } | null>("eth_getTransactionReceipt", [Transaction.from(signed.signedTransaction).hash]);
      return receipt ? { ok: receipt.status === "0x1", blockNumber: Number(BigInt(receipt.blockNumber)) } : undefined;
    };

    /**
     * A batch the chain or the gateway refused as a whole, or one whose signing (the gas estimate
     * runs it) reverted: each row is asked of the chain; rows registered already, or in conflict,
     * are settled, and the rest go again, halved when none could be set aside, down to one row,
     * whose own refusal is its reason.
     */
    const resolve = async (items: Item[], cause: { code: string; message: string }): Promise<void> => {
      const t = performance.now();
      const rest: Item[] = [];
      await eachLimited(items, 16, async (item) => {
        const outcome = await onChain(item.row);
        if (outcome) record(item, outcome);
        else rest.push(item);
      });
      rest.sort((a, b) => a.row.row - b.row.row);
      stages.resolveSeconds += (performance.now() - t) / 1000;
      if (rest.length === 0) return;
      if (rest.length < items.length) return settle(rest);
      if (rest.length === 1) return record(rest[0]!, rejected(cause.code, reasonText(cause.code) === cause.code ? cause.message : reasonText(cause.code)));
      const half = Math.ceil(rest.length / 2);
      await settle(rest.slice(0, half));
      await settle(rest.slice(half));
    };

    const settle = async (items: Item[]): Promise<void> => {
      await pace!.turn();
      const nonce = nonces.take();
      let signed: SignedBatch | undefined;
      let outcome: { blockNumber: number; citizens: Hex[] } | undefined;
      let reverted = false;
      try {
        let t = performance.now();
        signed = await signBatch(client, registrar, items, nonce, gasPrice);
        stages.signSeconds += (performance.now() - t) / 1000;
        t = performance.now();
        let renewed = 0;
        for (let attempt = 0; outcome === undefined; attempt++) {
          let token: string | undefined;
          try {
            token = await session.token();
            const out = await gatewayJson<{ citizens: Hex[]; blockNumber: number; stagesMs?: Record<"checks" | "vault" | "broadcast" | "chain" | "index", number> }>(gateway, "/v1/registrar/citizens/batch", { token, body: { rows: signed.rows, signedTransaction: signed.signedTransaction } });
            outcome = { blockNumber: out.blockNumber, citizens: out.citizens };
            if (out.stagesMs) {
              const g = stages.gateway;
              g.checksSeconds += out.stagesMs.checks / 1000;
              g.vaultSeconds += out.stagesMs.vault / 1000;
              g.broadcastSeconds += out.stagesMs.broadcast / 1000;
              g.chainSeconds += out.stagesMs.chain / 1000;
              g.indexSeconds += out.stagesMs.index / 1000;
            }
          } catch (error) {
            const r = refusal(error);
            // Broadcast but not in a block yet: wait for this very transaction, never send it again.
            if (r.code === "REGISTRATION_PENDING") {
              for (let waited = 0; waited < 60 && outcome === undefined; waited++) {
                const m = await mined(signed);
                if (m && !m.ok) reverted = true;
                if (m) outcome = { blockNumber: m.blockNumber, citizens: signed.rows.map((row) => row.citizen) };
                else await new Promise((done) => setTimeout(done, 1_000));
              }
              if (outcome === undefined) {
                for (const item of items) record(item, rejected("REGISTRATION_PENDING", "sent to the chain but not in a block after a minute; import the file again later: if it lands, the row shows as already registered"));
                return;
              }
              break;
            }
            if ((r.code === "SESSION_EXPIRED" || r.code === "INVALID_TOKEN") && token !== undefined && renewed++ < 2) {
              session.expired(token);
              attempt--;
              continue;
            }
            const delay = RETRY_DELAYS_MS[attempt];
            if (!transient(r) || delay === undefined) throw error;
            retries++;
            retriedCodes[r.code] = (retriedCodes[r.code] ?? 0) + 1;
            await new Promise((done) => setTimeout(done, delay));
            await pace!.turn();
          }
        }
        stages.gatewaySeconds += (performance.now() - t) / 1000;
      } catch (error) {
        // Refused before it reached the chain (the estimate, the gateway's checks): the nonce is free again.
        // Later batches may already wait at the chain behind this nonce: fill it at once.
        if (!(await nonces.used(signed?.signedTransaction))) await nonces.release(nonce, true);
        // A batch sent again after a "not now" can be refused as registered already because its
        // first sending landed: then its rows are this run's own registrations.
        const m = signed ? await mined(signed).catch(() => undefined) : undefined;
        if (m?.ok) {
          batches++;
          items.forEach((item, i) => record(item, { kind: "registered", citizen: signed!.rows[i]!.citizen, blockNumber: m.blockNumber }));
          return;
        }
        const r = refusal(error);
        if (!(r.cli instanceof CliError) || r.cli.exitCode === EXIT.unavailable || RUN_FATAL.has(r.code)) throw r.cli;
        return resolve(items, { code: r.code, message: r.cli.message });
      }
      batches++;
      if (reverted) return resolve(items, { code: "CHAIN_REFUSED", message: "the batch reverted on chain" });
      items.forEach((item, i) => record(item, { kind: "registered", citizen: outcome!.citizens[i]!, blockNumber: outcome!.blockNumber }));
    };

    const running = new Set<Promise<void>>();
    let failure: unknown;
    try {
      for await (const batch of batchesOf()) {
        const job = settle(batch).catch((error: unknown) => {
          failure ??= error;
        });
        running.add(job);
        void job.finally(() => running.delete(job));
        if (running.size >= inFlight) await Promise.race(running);
        if (failure !== undefined) break;
      }
      await Promise.all(running);
      if (failure !== undefined) throw failure;
    } catch (error) {
      await Promise.allSettled(running);
      const done = counts.registered + counts.alreadyRegistered;
      const e = toCliError(error);
      if (e instanceof CliError)
        throw new CliError(e.code, `${e.message}\n  stopped after ${done} of ${scan.rows} rows; run the same file again: rows already registered are skipped`, { exitCode: e.exitCode, cause: error });
      throw e;
    } finally {
      bar.stop();
    }
    await nonces.fillGaps();
    registered.sort((a, b) => a.row - b.row);
    alreadyRegistered.sort((a, b) => a.row - b.row);
  }

  const rejectsFile = await writeRejects(options, scan.header, rejects);
  const seconds = (Date.now() - started) / 1000;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    total: scan.rows,
    registered,
    alreadyRegistered,
    rejected: rejects.map((r) => ({ row: r.line.line, code: r.code, reason: r.reason })),
    rejectsFile,
    dryRun: options.dryRun === true,
    budgetPerMinute,
    pacePerSecond: pace ? round(pace.perSecond) : undefined,
    seconds: round(seconds),
    rowsPerSecond: round(scan.rows / Math.max(seconds, 0.001)),
    retries,
    retriedCodes,
    batches,
    batchRows,
    counts: { ...counts, rejected: rejects.length },
    stages: {
      scanSeconds: round(stages.scanSeconds),
      setupSeconds: round(stages.setupSeconds),
      readSeconds: round(stages.readSeconds),
      signSeconds: round(stages.signSeconds),
      gatewaySeconds: round(stages.gatewaySeconds),
      resolveSeconds: round(stages.resolveSeconds),
      gateway: Object.fromEntries(Object.entries(stages.gateway).map(([k, v]) => [k, round(v)])) as ImportStages["gateway"],
    },
  };
}
