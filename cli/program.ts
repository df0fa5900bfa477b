// The `imi` command tree, built without running it (the CLI entry and the tests both use it).
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerUp } from "./commands/up.js";
import { registerAuditVerify } from "./commands/auditVerify.js";
import { registerBackup } from "./commands/backup.js";
import { registerBesuConfig } from "./commands/besuConfig.js";
import { registerAllowlistSync } from "./commands/allowlistSync.js";
import { registerStatus } from "./commands/status.js";
import { registerChainStart } from "./commands/chainStart.js";
import { registerRolesCommands } from "./commands/roles/index.js";
import { registerRegistrarCommands } from "./commands/registrar/index.js";
import { registerIssuerCommands } from "./commands/issuer/index.js";
import { registerEnterpriseCommands } from "./commands/enterprise/index.js";
import { registerCreditCommands } from "./commands/credit/index.js";
import { registerCommunityCommands } from "./commands/community/index.js";
import { registerConsentCommands } from "./commands/consent/index.js";
import { registerCitizenCommands } from "./commands/citizen/index.js";
import { registerAgencyCommands } from "./commands/agency/index.js";
import { registerVerifierCommands } from "./commands/verifier/index.js";
import { registerTraceCommand } from "./commands/trace/index.js";
import { registerDemo } from "./commands/demo.js";
import { registerServicesCommands } from "./commands/services/index.js";
import { registerApprovalsCommands } from "./commands/approvals/index.js";

/** The version of the package this `imi` came from (the repository's package.json, wherever it is installed). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command()
    .name("imi")
    .description("IMI ledger: citizen identity and consent on a permissioned chain")
    .option("--json", "machine-readable output")
    .option("--verbose", "addresses and codes in hex beside the names people read")
    // Not commander's .version(): that would take `--version` from every subcommand too
    // (`issuer schema register --version 1`); cli.ts answers `imi --version` itself.
    .addHelpText("after", "\n`imi --version` (or -V) prints the version.")
    .exitOverride()
    .showHelpAfterError();
  registerUp(program);
  registerAuditVerify(program);
  registerBackup(program);
  registerBesuConfig(program);
  registerAllowlistSync(program);
  registerStatus(program);
  registerChainStart(program);
  registerRolesCommands(program);
  registerRegistrarCommands(program);
  registerIssuerCommands(program);
  registerEnterpriseCommands(program);
  registerCreditCommands(program);
  registerCommunityCommands(program);
  registerConsentCommands(program);
  registerCitizenCommands(program);
  registerAgencyCommands(program);
  registerVerifierCommands(program);
  registerTraceCommand(program);
  registerDemo(program);
  registerServicesCommands(program);
  registerApprovalsCommands(program);
  return program;
}
