// One `imi` invocation, start to end: parses the words after `imi`, runs the command and answers
// with its exit status instead of exiting, so a caller can run several in one process (the tests
// do). Each run builds its own command tree: commander keeps the parsed options on it.
import { CommanderError } from "commander";
import { CliError, EXIT } from "./CliError.js";
import { reasonWords } from "./internal/refusals.js";
import { buildProgram, version } from "./program.js";

function reportError(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return EXIT.ok;
    // Commander has told the person on stderr; a script asking for JSON gets it on stdout too.
    if (json) console.log(JSON.stringify({ ok: false, error: { code: "USAGE", message: error.message.replace(/^error: /, "") } }));
    return EXIT.usage;
  }
  if (error instanceof CliError && error.reported) return error.exitCode;
  const code = error instanceof CliError ? error.code : "IMI_UNEXPECTED";
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof CliError ? error.details : undefined;
  // The reason in plain words first, the code beside it, then what the refusing side said.
  const reason = reasonWords(code);
  if (json) console.log(JSON.stringify({ ok: false, error: { code, message, ...(reason ? { reason } : {}), ...details } }));
  else console.error(reason ? `error [${code}]: ${reason}\n  ${message}` : `error [${code}]: ${message}`);
  return error instanceof CliError ? error.exitCode : EXIT.failure;
}

/**
 * Runs `imi <words>` and resolves to its exit status. A few commands report a finished run that
 * found a problem (a broken access log, a node not ready) through `process.exitCode`: that status
 * is taken as this run's and the caller's own is put back.
 */
export async function run(words: readonly string[]): Promise<number> {
  // `imi --version` / `imi -V` (with or without --json), as the first word only: subcommands have
  // their own --version (a credential schema's).
  const plain = words.filter((w) => w !== "--json");
  if (plain.length === 1 && (plain[0] === "--version" || plain[0] === "-V")) {
    console.log(version());
    return EXIT.ok;
  }
  const program = buildProgram();
  const callers = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync([...words], { from: "user" });
    return Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    return reportError(error, program.opts<{ json?: boolean }>().json === true);
  } finally {
    process.exitCode = callers;
  }
}
