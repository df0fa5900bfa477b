import type { Command } from "commander";
import { CliError, EXIT } from "../../CliError.js";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions } from "../../internal/options.js";
import { isoTime, table } from "../../internal/output.js";
import { scopeNames } from "../../internal/categories.js";
import type { AddGuardianOptions } from "./guardian.js";
import type { ImportCitizensOptions, ImportCitizensResult } from "./importCsv.js";
import type { RecoverKeyOptions } from "./recover.js";
import type { RegisterCitizenOptions } from "./register.js";

export function registerRegistrarCommands(program: Command): void {
  const registrar = group(program, "registrar", "the service window: register citizens, recover keys, appoint guardians");

  withKeyOptions(withNodeOptions(registrar.command("register").description("register one citizen: identity on chain, record in the vault")), "registrar")
    .requiredOption("--controller <address>", "the citizen's key address (from `imi keys create`)")
    .option("--name <name>", "full name")
    .option("--id-number <id>", "identity document number")
    .option("--birth-date <YYYY-MM-DD>", "date of birth")
    .option("--district <district>", "district of residence")
    .option("--record <json|@file>", "the whole record as JSON: {\"identity\":{…},\"birth\":{…},…}")
    .option("--level <1-3>", "assurance level: 1 low, 2 substantial, 3 high", "2")
    .option("--citizen <id>", "the identity id (default: a new random id)")
    .action(
      action(async (out, options: RegisterCitizenOptions) =>
        out.result(await (await import("./register.js")).registerCitizen(options), (r) => [`registered citizen ${r.citizen}`, `  key ${r.controller}, level ${r.level}, block ${r.blockNumber}`, "  give the citizen their id; the record is in the vault, only its commitment is on chain"]),
      ),
    );

  withKeyOptions(withNodeOptions(registrar.command("import").description("register many citizens from a CSV: paced under the gateway's budget, rows already registered skipped, rejected rows written to a file")), "registrar")
    .argument("<file>", "CSV with a header: controller,name,id_number,birth_date,district[,level][,citizen][,category.field…]")
    .option("--dry-run", "check the rows, send nothing")
    .option("--rejects <file>", "where to write the rejected rows with their reasons (default: <file>.rejected.csv)")
    .option("--batch <n>", "citizens per transaction (1-500, default 100: under 2^24 gas, the cap of current forks)")
    .option("--in-flight <n>", "batches in flight at once (default 4; with --one-by-one, registrations, default 16)")
    .option("--one-by-one", "one transaction per citizen (for a chain deployed before batch registration)")
    .option("--counts-only", "report how many rows were registered, not each row's citizen id (for very large files)")
    .option("--no-progress", "no progress bar")
    .action(
      action(async (out, file: string, options: ImportCitizensOptions & { batch?: string; oneByOne?: boolean; countsOnly?: boolean }) => {
        const result = options.oneByOne
          ? await (await import("./importCsv.js")).importCitizens({ ...options, file })
          : await (await import("./importBulk.js")).importCitizensBulk({ ...options, file });
        const failed = result.rejected.length > 0 ? new CliError("ROWS_REJECTED", `${result.rejected.length} of ${result.total} rows were rejected; they are in ${result.rejectsFile} with their reasons: correct them there and import that file`, { exitCode: EXIT.partial }) : undefined;
        out.result(result, importSummary, failed);
      }),
    );

  withKeyOptions(withNodeOptions(registrar.command("recover").description("re-bind a lost key: start a recovery (the old key may object during the delay), or --complete it")), "registrar")
    .argument("<citizen>", "the identity id")
    .option("--new-controller <address>", "the citizen's new key address")
    .option("--complete", "finish a recovery whose delay has passed")
    .action(
      action(async (out, citizen: string, options: RecoverKeyOptions) =>
        out.result(await (await import("./recover.js")).recoverKey({ ...options, citizen }), (r) =>
          r.step === "initiated"
            ? [`recovery started for ${r.citizen}: new key ${r.newController}`, `  takes effect after ${isoTime(r.executableAt)} unless the old key cancels; then run with --complete`]
            : `recovery completed: ${r.citizen} is now controlled by ${r.controller}`,
        ),
      ),
    );

  withKeyOptions(withNodeOptions(registrar.command("guardian").description("appoint a guardian for a minor or a ward")), "registrar")
    .argument("<citizen>", "the identity id")
    .argument("<guardian>", "the guardian's key address")
    .requiredOption("--scopes <categories>", "categories the guardian acts over, e.g. identity,birth,address")
    .requiredOption("--until <date>", "when the guardianship ends (ISO date)")
    .action(
      action(async (out, citizen: string, guardian: string, options: AddGuardianOptions) =>
        out.result(await (await import("./guardian.js")).addGuardian({ ...options, citizen, guardian }), (r) => `guardian ${r.guardian} appointed for ${r.citizen} over ${scopeNames(r.scopes).join(", ")} until ${isoTime(r.expiresAt)}`),
      ),
    );
}

/** The import's outcome for the clerk: counts first, then each rejected row with its reason. */
function importSummary(r: ImportCitizensResult): string[] {
  const lines = r.dryRun
    ? [`checked ${r.total} rows: ${r.total - r.rejected.length} can be registered, ${r.rejected.length} rejected`]
    : [
        `imported ${r.total} rows in ${r.seconds} s (${r.rowsPerSecond} rows/s${r.pacePerSecond ? `, paced under ${r.pacePerSecond}/s` : ""})`,
        `  registered now      ${"counts" in r ? (r.counts as { registered: number }).registered : r.registered.length}`,
        `  already registered  ${"counts" in r ? (r.counts as { alreadyRegistered: number }).alreadyRegistered : r.alreadyRegistered.length} (skipped)`,
        `  rejected            ${r.rejected.length}`,
      ];
  if (r.rejected.length > 0) {
    lines.push(`rejected rows (also in ${r.rejectsFile}):`);
    lines.push(...table(["LINE", "CODE", "REASON"], r.rejected.slice(0, 50).map((x) => [String(x.row), x.code, x.reason])).map((l) => `  ${l}`));
    if (r.rejected.length > 50) lines.push(`  … and ${r.rejected.length - 50} more in ${r.rejectsFile}`);
  }
  if (r.registered.length > 0 && r.registered.length <= 20) lines.push("new citizen ids (give each citizen theirs):", ...r.registered.map((x) => `  line ${x.row}: ${x.citizen}`));
  else if (r.registered.length > 20) lines.push("new citizen ids: run with --json to get each row's id");
  return lines;
}
