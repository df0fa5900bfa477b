import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { Transaction } from "ethers";
import type { ImiClient } from "../../../sdk/clients/createImiClient.js";
import type { LocalAccount } from "../../../sdk/keys/privateKeyToAccount.js";
import type { Address, Hex } from "../../../sdk/types.js";
import { randomBytes32 } from "../../../sdk/utils.js";
import { CliError, EXIT } from "../../CliError.js";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { toCliError, usage } from "../../internal/errors.js";
import { staffLogin } from "../../internal/gateway.js";
import { address, bytes32, integer } from "../../internal/parse.js";
import { progressBar } from "../../internal/progress.js";
import { signCall } from "../../internal/transactions.js";
import { checkRecord, registerOne, type CitizenRecord } from "./register.js";

export type ImportCitizensOptions = NodeOptions & KeyOptions & { file: string; dryRun?: boolean; progress?: boolean };

export type RejectedRow = { row: number; code: string; reason: string };
export type ImportCitizensResult = {
  total: number;
  registered: Array<{ row: number; citizen: Hex; controller: Address; blockNumber: number }>;
  rejected: RejectedRow[];
  dryRun: boolean;
};

/** Columns: controller (required), name, id_number, birth_date, district, level, citizen; plus any `category.field`. */
const KNOWN: Record<string, [string, string]> = {
  name: ["identity", "name"],
  id_number: ["identity", "idNumber"],
  birth_date: ["birth", "birthDate"],
  district: ["address", "district"],
  street: ["address", "street"],
  phone: ["contact", "phone"],
  email: ["contact", "email"],
};

type Row = { row: number; citizen: Hex; controller: Address; level: number; record: CitizenRecord };

function rowOf(line: number, cells: Record<string, string>): Row {
  const controller = address("controller", cells.controller?.trim());
  const level = cells.level?.trim() ? integer("level", cells.level.trim(), 1, 3) : 2;
  const citizen = cells.citizen?.trim() ? bytes32("citizen", cells.citizen.trim()) : randomBytes32();
  const record: CitizenRecord = {};
  for (const [column, raw] of Object.entries(cells)) {
    const value = raw.trim();
    if (value === "" || ["controller", "level", "citizen"].includes(column)) continue;
    const [category, field] = KNOWN[column] ?? (column.includes(".") ? (column.split(".", 2) as [string, string]) : [undefined, undefined]);
    if (!category) throw usage("UNKNOWN_COLUMN", `unknown column ${JSON.stringify(column)}`);
    record[category] = { ...record[category], [field]: value };
  }
  return { row: line, citizen, controller, level, record: checkRecord(record) };
}

/** Registrations in flight at once: their transactions share blocks instead of waiting in line. */
const IN_FLIGHT = 8;

/**
 * The registrar's nonces while several registrations are in flight. A nonce taken by a row that
 * is refused before its transaction reaches the chain comes back: the next row takes it, or, when
 * no row is left, a no-op transaction fills it, because the chain holds every later nonce until
 * the gap is filled.
 */
class NonceBook {
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

/**
 * Registers every valid row of a CSV, several at a time (each registration is one signed
 * transaction the gateway waits for), and reports the rows it rejected and why. A rejected row
 * changes nothing; the others go on.
 */
export async function importCitizens(options: ImportCitizensOptions): Promise<ImportCitizensResult> {
  let text: string;
  try {
    text = await readFile(options.file, "utf8");
  } catch {
    throw usage("CSV_UNREADABLE", `cannot read ${options.file}`);
  }
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, bom: true });
  } catch (error) {
    throw usage("CSV_INVALID", `${options.file}: ${(error as Error).message}`);
  }
  if (rows.length === 0) throw usage("CSV_EMPTY", `${options.file} has no rows under its header`);
  if (!("controller" in rows[0])) throw usage("CSV_INVALID", `${options.file}: the header needs a "controller" column (the citizen's key address)`);

  const rejected: RejectedRow[] = [];
  const valid: Row[] = [];
  const seen = new Map<string, number>();
  rows.forEach((cells, i) => {
    const line = i + 2; // the header is line 1
    try {
      const row = rowOf(line, cells);
      const key = row.controller.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) throw usage("DUPLICATE_CONTROLLER", `the same key as row ${first}`);
      seen.set(key, line);
      valid.push(row);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      rejected.push({ row: line, code: error.code, reason: error.message });
    }
  });
  const registered: ImportCitizensResult["registered"] = [];
  if (!options.dryRun && valid.length > 0) {
    const node = await connect(options);
    const gateway = node.requireGateway();
    const registrar = await loadKey(options);
    const client = node.client(registrar);
    const token = await staffLogin(gateway, node.deployment.chainId, registrar);
    const nonces = new NonceBook(client, registrar, Number(BigInt(await client.request<string>("eth_getTransactionCount", [registrar.address, "pending"]))));
    const bar = progressBar(valid.length, "registering", options.progress !== false);
    const queue = [...valid];
    const worker = async () => {
      for (let row = queue.shift(); row !== undefined; row = queue.shift()) {
        const nonce = nonces.take();
        let signed: string | undefined;
        try {
          const out = await registerOne(gateway, token, client, registrar, row, { nonce, onSigned: (raw) => (signed = raw) });
          registered.push({ row: row.row, citizen: out.citizen, controller: row.controller, blockNumber: out.blockNumber });
        } catch (error) {
          // Refused before it reached the chain (estimate, gateway checks): the nonce is free again.
          if (!(await nonces.used(signed))) await nonces.release(nonce, queue.length === 0);
          // A row the gateway or chain refuses (key in use, citizen exists) is reported; the run goes on.
          const e = toCliError(error);
          if (!(e instanceof CliError) || e.exitCode === EXIT.unavailable) throw e;
          rejected.push({ row: row.row, code: e.code, reason: e.message });
        }
        bar.tick();
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, valid.length) }, worker));
    } finally {
      bar.stop();
    }
    await nonces.fillGaps();
    registered.sort((a, b) => a.row - b.row);
  }
  rejected.sort((a, b) => a.row - b.row);
  return { total: rows.length, registered, rejected, dryRun: options.dryRun === true };
}
