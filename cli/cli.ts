// Runs the command tree; owns process.exit. Each command lives in commands/<name>.ts and returns data.
import { CommanderError } from "commander";
import { CliError, EXIT } from "./CliError.js";
import { reasonWords } from "./internal/refusals.js";
import { buildProgram, version } from "./program.js";
import { exitOnBug } from "../node/runtime/exitOnBug.js";

// A rejection or exception nobody handled is a bug: logged at fatal level, exit 70 (see exitOnBug).
exitOnBug();

const program = buildProgram();

function reportError(error: unknown): number {
  const json = program.opts<{ json?: boolean }>().json === true;
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

// `imi --version` / `imi -V` (with or without --json), as the first word only: subcommands have
// their own --version (a credential schema's).
const words = process.argv.slice(2).filter((w) => w !== "--json");
if (words.length === 1 && (words[0] === "--version" || words[0] === "-V")) {
  console.log(version());
} else {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}
