// How every role command prints: one JSON object on stdout with --json, friendly lines otherwise.
// Progress and prompts go to stderr so stdout stays parseable.
import { CliError } from "../CliError.js";

/** JSON that keeps bigints (as decimal strings) instead of throwing on them. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

export type Printer = {
  json: boolean;
  /** --verbose: hex beside the names. */
  verbose: boolean;
  /**
   * Prints the command's result: `{ ok: true, ...data }` for machines, `human(data)` lines for people.
   * With `failed` (a run that went to the end but refused some items): `{ ok: false, ...data, error }`,
   * the error line on stderr for people, and the command exits with the error's status.
   */
  result<T extends object>(data: T, human: (data: T) => string | string[], failed?: CliError): void;
  /** The failure `result` printed, for the command glue to exit with. */
  failure?: CliError;
  /** A progress note for people (stderr); silent with --json. */
  note(line: string): void;
};

export function printer(json: boolean, verbose = false): Printer {
  const out: Printer = {
    json,
    verbose,
    result(data, human, failed) {
      if (failed) out.failure = new CliError(failed.code, failed.message, { exitCode: failed.exitCode, details: failed.details, reported: true });
      if (json) {
        console.log(toJson(failed ? { ok: false, ...data, error: { code: failed.code, message: failed.message } } : { ok: true, ...data }));
        return;
      }
      const lines = human(data);
      console.log(Array.isArray(lines) ? lines.join("\n") : lines);
      if (failed) console.error(`error [${failed.code}]: ${failed.message}`);
    },
    note(line) {
      if (!json) console.error(line);
    },
  };
  return out;
}

/** A short form of a 32-byte id for people: 0x1234abcd…9876. */
export function short(hex: string): string {
  return hex.length > 18 ? `${hex.slice(0, 10)}…${hex.slice(-4)}` : hex;
}

export function isoTime(unixSeconds: bigint | number | string): string {
  const n = Number(unixSeconds);
  return n === 0 ? "never" : new Date(n * 1000).toISOString().replace(".000Z", "Z");
}

/** Rows as aligned columns. */
export function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [line(headers), ...rows.map(line)];
}
