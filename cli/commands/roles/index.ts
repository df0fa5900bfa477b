import type { Command } from "commander";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions } from "../../internal/options.js";
import { table } from "../../internal/output.js";
import type { RoleChangeResult } from "./grant.js";

const changed = (verb: string) => (r: RoleChangeResult) =>
  r.txHashes.length === 0
    ? `${r.account} ${verb === "granted" ? "already holds" : "does not hold"} the ${r.role} role; nothing sent`
    : `${verb} ${r.role} (role ${r.roleId}) ${verb === "granted" ? "to" : "from"} ${r.account}${r.allowlisted ? "; allowlisted to send transactions" : ""}`;

export function registerRolesCommands(program: Command): void {
  const roles = group(program, "roles", "governor: who holds which role (registrar, issuer, agency, auditor, gateway, attester, counter, credit_authority, verifier)");
  withKeyOptions(withNodeOptions(roles.command("grant").description("grant a role and allowlist the account (governor key)")), "governor")
    .argument("<role>", "registrar | issuer | agency | auditor | gateway | attester | counter | credit_authority | verifier")
    .argument("<account>", "the account's address")
    .action(action(async (out, role: string, account: string, options) => out.result(await (await import("./grant.js")).grantRole({ ...options, role, account }), changed("granted"))));
  withKeyOptions(withNodeOptions(roles.command("revoke").description("revoke a role; the account leaves the allowlist when it holds no other role")), "governor")
    .argument("<role>")
    .argument("<account>")
    .option("--keep-allowlisted", "leave the account on the allowlist")
    .action(action(async (out, role: string, account: string, options) => out.result(await (await import("./revoke.js")).revokeRole({ ...options, role, account }), changed("revoked"))));
  withNodeOptions(roles.command("list").description("list role holders"))
    .option("--role <role>", "only this role")
    .action(
      action(async (out, options) =>
        out.result(await (await import("./list.js")).listRoles(options), (r) => (r.members.length === 0 ? "no role holders" : table(["ROLE", "ACCOUNT", "SINCE BLOCK"], r.members.map((m) => [m.role, m.account, String(m.since)])))),
      ),
    );
}
