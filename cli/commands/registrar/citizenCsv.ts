// The CSV a service window imports: its structure is checked as a whole first (every problem at
// once, before anything is registered), then each row on its own (a bad row is rejected, the
// others go on).
import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { parse as parseStream } from "csv-parse";
import { parse } from "csv-parse/sync";
import type { Address, Hex } from "@imi-ledger/sdk";
import { randomBytes32 } from "@imi-ledger/sdk";
import { CliError } from "../../CliError.js";
import { usage } from "../../internal/errors.js";
import { address, bytes32, integer } from "../../internal/parse.js";
import { checkRecord, type CitizenRecord } from "./register.js";

/** Friendly column names and the record field each one fills; any `category.field` column works too. */
export const KNOWN_COLUMNS: Record<string, [string, string]> = {
  name: ["identity", "name"],
  id_number: ["identity", "idNumber"],
  birth_date: ["birth", "birthDate"],
  district: ["address", "district"],
  street: ["address", "street"],
  phone: ["contact", "phone"],
  email: ["contact", "email"],
};
const CONTROL_COLUMNS = ["controller", "level", "citizen"];
/** Columns a file of rejected rows adds; an import of the corrected file ignores them. */
export const REJECT_COLUMNS = ["rejected_row", "rejected_code", "rejected_reason"];

export type CsvLine = { line: number; cells: Record<string, string>; raw: string[] };
export type CitizenCsv = { header: string[]; lines: CsvLine[] };
export type CsvProblem = { line: number; problem: string };

export type CitizenRow = {
  row: number;
  citizen: Hex;
  /** The file named the identity id; otherwise a new random one. */
  citizenGiven: boolean;
  controller: Address;
  level: number;
  record: CitizenRecord;
};

/** The parser's message without its own line number (the report puts the line first). */
function plain(message: string): string {
  const length = /expect (\d+), got (\d+)/.exec(message);
  if (length) return `${length[2]} cells where the header has ${length[1]}`;
  return message.replace(/ (at|on) line \d+/, "");
}

function headerProblems(header: string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === "") problems.push(`column ${i + 1} has no name`);
    else if (seen.has(name)) problems.push(`column "${name}" appears twice`);
    else if (!CONTROL_COLUMNS.includes(name) && !REJECT_COLUMNS.includes(name) && !KNOWN_COLUMNS[name] && !/^[a-z][a-z0-9_]*\.[a-zA-Z][a-zA-Z0-9_]*$/.test(name))
      problems.push(`unknown column "${name}"; use controller, level, citizen, ${Object.keys(KNOWN_COLUMNS).join(", ")} or category.field`);
    seen.add(name);
  });
  if (!header.includes("controller")) problems.push('the header needs a "controller" column (the citizen\'s key address)');
  return problems;
}

/**
 * Reads the file's text and checks its structure: a usable header, the same number of cells on
 * every line, well-formed quoting. All structure problems are reported together (CSV_INVALID, with
 * each one in `details.problems`), so the file is fixed once rather than once per problem.
 */
export function readCitizenCsv(text: string, file: string): CitizenCsv {
  const problems: CsvProblem[] = [];
  let records: Array<{ record: string[]; info: { lines: number } }> = [];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error) problems.push({ line: Number((error as { lines?: number }).lines ?? 0), problem: plain(error.message) });
        return undefined;
      },
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    // Some faults (an unclosed quote) stop the parser: report them with everything found before.
    problems.push({ line: Number((error as { lines?: number }).lines ?? 0), problem: plain((error as Error).message) });
  }
  const [head, ...body] = records;
  const header = head ? head.record.map((h) => h.trim().toLowerCase()) : [];
  if (head) for (const problem of headerProblems(header)) problems.push({ line: head.info.lines, problem });
  else if (problems.length === 0) throw usage("CSV_EMPTY", `${file} is empty: it needs a header line and one line per citizen`);
  if (problems.length === 0 && body.length === 0) throw usage("CSV_EMPTY", `${file} has no rows under its header`);
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line);
    const list = problems.map((p) => `line ${p.line}: ${p.problem}`);
    throw new CliError("CSV_INVALID", `${file} has ${problems.length} structure problem${problems.length === 1 ? "" : "s"}; nothing was registered:\n  ${list.join("\n  ")}`, {
      exitCode: 2,
      details: { problems },
    });
  }
  return {
    header,
    lines: body.map(({ record, info }) => ({ line: info.lines, raw: record, cells: Object.fromEntries(header.map((h, i) => [h, record[i] ?? ""])) })),
  };
}

const PARSE_OPTIONS = { bom: true, info: true, skip_empty_lines: true, skip_records_with_error: true } as const;

/**
 * The file's records as it reads them, never the whole file in memory: a district's backlog is
 * a million lines. Structure faults go to `problem`; a fault that stops the parser (an unclosed
 * quote) is reported there too, and ends the records.
 */
async function* streamRecords(file: string, problem: (p: CsvProblem) => void): AsyncGenerator<{ record: string[]; info: { lines: number } }> {
  const source = createReadStream(file);
  const parser = source.pipe(
    parseStream({
      ...PARSE_OPTIONS,
      on_skip: (error) => {
        if (error) problem({ line: Number((error as { lines?: number }).lines ?? 0), problem: plain(error.message) });
        return undefined;
      },
    }),
  );
  // pipe() does not pass a read error on (a missing file would be an unhandled 'error' event):
  // the parser ends with it, and the loop below throws it.
  source.on("error", (error) => parser.destroy(error));
  try {
    for await (const item of parser) yield item as { record: string[]; info: { lines: number } };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "EACCES" || (error as NodeJS.ErrnoException).code === "EISDIR") throw error;
    problem({ line: Number((error as { lines?: number }).lines ?? 0), problem: plain((error as Error).message) });
  }
}

/**
 * The streaming form of {@link readCitizenCsv}'s whole-file check: reads the file once, keeps only
 * its header and its problems, and throws CSV_EMPTY or CSV_INVALID exactly as that does.
 */
export async function scanCitizenCsv(file: string): Promise<{ header: string[]; rows: number }> {
  const problems: CsvProblem[] = [];
  let header: string[] | undefined;
  let rows = 0;
  for await (const { record, info } of streamRecords(file, (p) => problems.push(p))) {
    if (header === undefined) {
      header = record.map((h) => h.trim().toLowerCase());
      for (const problem of headerProblems(header)) problems.push({ line: info.lines, problem });
    } else rows++;
  }
  if (header === undefined && problems.length === 0) throw usage("CSV_EMPTY", `${file} is empty: it needs a header line and one line per citizen`);
  if (problems.length === 0 && rows === 0) throw usage("CSV_EMPTY", `${file} has no rows under its header`);
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line);
    const list = problems.map((p) => `line ${p.line}: ${p.problem}`);
    throw new CliError("CSV_INVALID", `${file} has ${problems.length} structure problem${problems.length === 1 ? "" : "s"}; nothing was registered:\n  ${list.join("\n  ")}`, {
      exitCode: 2,
      details: { problems },
    });
  }
  return { header: header!, rows };
}

/** The lines under the header, one at a time, of a file {@link scanCitizenCsv} passed. */
export async function* citizenLines(file: string, header: string[]): AsyncGenerator<CsvLine> {
  let first = true;
  for await (const { record, info } of streamRecords(file, () => undefined)) {
    if (first) {
      first = false;
      continue;
    }
    yield { line: info.lines, raw: record, cells: Object.fromEntries(header.map((h, i) => [h, record[i] ?? ""])) };
  }
}

/** One line's citizen, checked as `imi registrar register` checks its options; a CliError names what is wrong. */
export function citizenRow(line: CsvLine): CitizenRow {
  const cells = line.cells;
  const controller = address("controller", cells.controller?.trim());
  const level = cells.level?.trim() ? integer("level", cells.level.trim(), 1, 3) : 2;
  const citizenGiven = Boolean(cells.citizen?.trim());
  const citizen = citizenGiven ? bytes32("citizen", cells.citizen!.trim()) : randomBytes32();
  const record: CitizenRecord = {};
  for (const [column, raw] of Object.entries(cells)) {
    const value = raw.trim();
    if (value === "" || CONTROL_COLUMNS.includes(column) || REJECT_COLUMNS.includes(column)) continue;
    const [category, field] = KNOWN_COLUMNS[column] ?? (column.split(".", 2) as [string, string]);
    record[category] = { ...record[category], [field]: value };
  }
  return { row: line.line, citizen, citizenGiven, controller, level, record: checkRecord(record) };
}

/** The rejected lines as CSV: the reason first, then the line as it was, so the file can be corrected and imported again. */
export function rejectsCsv(header: string[], rejected: Array<{ line: CsvLine; code: string; reason: string }>): string {
  const cell = (value: string) => (/[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value);
  const own = header.filter((h) => !REJECT_COLUMNS.includes(h));
  const lines = [[...REJECT_COLUMNS, ...own].map(cell).join(",")];
  for (const r of rejected) lines.push([String(r.line.line), r.code, r.reason.replace(/\s*\n\s*/g, " "), ...own.map((h) => r.line.cells[h] ?? "")].map(cell).join(","));
  return `${lines.join("\n")}\n`;
}

export type RejectedRow = { line: CsvLine; code: string; reason: string };

/**
 * Sorts the rejected rows into file order and writes them beside the import (`<file>.rejected.csv`,
 * or `--rejects`), owner-only; returns the path, or undefined when nothing was rejected.
 */
export async function writeRejects(options: { file: string; rejects?: string }, header: string[], rejected: RejectedRow[]): Promise<string | undefined> {
  if (rejected.length === 0) return undefined;
  rejected.sort((a, b) => a.line.line - b.line.line);
  const path = options.rejects ?? `${options.file.replace(/\.csv$/i, "")}.rejected.csv`;
  try {
    await writeFile(path, rejectsCsv(header, rejected), { mode: 0o600 });
  } catch {
    throw usage("FILE_UNWRITABLE", `cannot write the rejected rows to ${path}; name another file with --rejects`);
  }
  return path;
}

export { CliError };
