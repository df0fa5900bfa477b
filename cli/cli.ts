// Wires the commands; owns process.exit. Each command lives in commands/<name>.ts and returns data.
import { Command, CommanderError } from "commander";
import { CliError, EXIT } from "./CliError.js";
import { registerUp } from "./commands/up.js";
import { registerAuditVerify } from "./commands/auditVerify.js";
import { registerBackup } from "./commands/backup.js";
import { registerBesuConfig } from "./commands/besuConfig.js";
import { registerStatus } from "./commands/status.js";
import { registerChainStart } from "./commands/chainStart.js";
import { registerRolesCommands } from "./commands/roles/index.js";
import { registerRegistrarCommands } from "./commands/registrar/index.js";
import { registerIssuerCommands } from "./commands/issuer/index.js";
import { registerConsentCommands } from "./commands/consent/index.js";
import { registerCitizenCommands } from "./commands/citizen/index.js";
import { registerAgencyCommands } from "./commands/agency/index.js";
import { registerTraceCommand } from "./commands/trace/index.js";
import { registerDemo } from "./commands/demo.js";

const program = new Command()
  .name("imi")
  .description("IMI ledger: citizen identity and consent on a permissioned chain")
  .option("--json", "machine-readable output")
  .exitOverride()
  .showHelpAfterError();

registerUp(program);
registerAuditVerify(program);
registerBackup(program);
registerBesuConfig(program);
registerStatus(program);
registerChainStart(program);
registerRolesCommands(program);
registerRegistrarCommands(program);
registerIssuerCommands(program);
registerConsentCommands(program);
registerCitizenCommands(program);
registerAgencyCommands(program);
registerTraceCommand(program);
registerDemo(program);

function reportError(error: unknown): number {
  const json = program.opts<{ json?: boolean }>().json === true;
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const code = error instanceof CliError ? error.code : "IMI_UNEXPECTED";
  const message = error instanceof Error ? error.message : String(error);
  if (json) console.log(JSON.stringify({ ok: false, error: { code, message } }));
  else console.error(`error [${code}]: ${message}`);
  return error instanceof CliError ? error.exitCode : EXIT.failure;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}
