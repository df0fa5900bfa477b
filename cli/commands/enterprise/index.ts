import type { Command } from "commander";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions, type NodeOptions } from "../../internal/options.js";
import { table } from "../../internal/output.js";
import type { RegisterEnterpriseOptions } from "./register.js";
import type { AppointStaffOptions, RemoveStaffOptions } from "./staff.js";
import type { UpdateRecordOptions } from "./record.js";
import type { EnterpriseTrackerOptions } from "./tracker.js";

const day = (seconds: bigint | number) => new Date(Number(seconds) * 1000).toISOString().slice(0, 10);

export function registerEnterpriseCommands(program: Command): void {
  const enterprise = group(program, "enterprise", "enterprises (legal persons): register at the counter, show, staff");

  withKeyOptions(withNodeOptions(enterprise.command("register").description("register an enterprise by its unified social credit code (counter key)")), "counter")
    .requiredOption("--code <code>", "the unified social credit code (18 characters)")
    .requiredOption("--legal-representative <citizen>", "the legal representative's citizen id")
    .option("--name <name>", "the registered name (goes into the committed record, never on chain)")
    .option("--record <file>", "the enterprise's record (JSON: licence, tax, inspection …): committed on chain, stored in the vault through the gateway")
    .action(
      action(async (out, options: RegisterEnterpriseOptions) =>
        out.result(await (await import("./register.js")).registerEnterprise(options), (r) => [`enterprise ${r.code} registered: ${r.enterprise}`, `  legal representative ${r.legalRepresentative}`, `  record salt ${r.salt} (keep it with the record)`]),
      ),
    );

  withKeyOptions(withNodeOptions(enterprise.command("record").description("record a changed record: its commitment on chain, the record into the vault (counter key)")), "counter")
    .argument("<enterprise>", "unified social credit code or enterprise id")
    .requiredOption("--record <file>", "the whole record as JSON: licence, tax, inspection …")
    .action(
      action(async (out, id: string, options: UpdateRecordOptions) =>
        out.result(await (await import("./record.js")).updateRecord({ ...options, enterprise: id }), (r) => [`record of ${r.enterprise} updated: ${r.categories.join(", ")}`, `  record salt ${r.salt} (keep it with the record)`]),
      ),
    );

  withKeyOptions(withNodeOptions(enterprise.command("tracker").description("every access to the enterprise's records, its consents and its credit history (a representative's citizen key)")), "citizen")
    .argument("<enterprise>", "unified social credit code or enterprise id")
    .action(
      action(async (out, id: string, options: EnterpriseTrackerOptions) =>
        out.result(await (await import("./tracker.js")).enterpriseTracker({ ...options, enterprise: id }), (r) => [
          `enterprise ${r.enterprise}, seen by ${r.viewer.citizen}${r.viewer.asLegalRepresentative ? " (legal representative)" : " (staff)"}`,
          ...(r.accesses.length === 0
            ? ["  no access to its records yet"]
            : table(["#", "WHEN", "AGENCY", "KIND", "BASIS", "DECISION"], r.accesses.map((a) => [String(a.seq), new Date(a.time).toISOString().slice(0, 19), a.agency, a.kind, a.basis, a.decision === "allowed" ? "allowed" : `denied: ${a.reason}`]))),
          ...r.consents.map((c) => `  consent ${c.consentId} to ${c.agency}: ${c.status}`),
          ...r.credit.entries.map((e) => `  ${e.kind} list ${e.list}: entry ${e.entryId} ${e.status}`),
          ...r.credit.repairs.map((a) => `  repair #${a.repairId} of ${a.entryId}: ${a.status}`),
        ]),
      ),
    );

  withNodeOptions(enterprise.command("show").description("an enterprise's record and its staff, as its representatives see them"))
    .argument("<enterprise>", "unified social credit code or enterprise id")
    .action(
      action(async (out, id: string, options: NodeOptions) =>
        out.result(await (await import("./show.js")).showEnterprise({ ...options, enterprise: id }), (r) => [
          `enterprise ${r.enterprise}: ${r.status}`,
          `  legal representative ${r.legalRepresentative}`,
          ...[r.staff.length === 0
            ? "  no staff appointed"
            : table(["STAFF", "SCOPES", "UNTIL", "STATE"], r.staff.map((s) => [s.staff, s.scopeNames.join(","), day(s.expiresAt), s.active ? "active" : s.removedAt !== 0n ? "removed" : "ended"]))].flat(),
        ]),
      ),
    );

  const staff = enterprise.command("staff").description("authorised staff: appointed by the legal representative, scoped, expiring");
  withKeyOptions(withNodeOptions(staff.command("appoint").description("appoint a registered citizen as staff (the legal representative's citizen key)")), "citizen")
    .argument("<enterprise>", "unified social credit code or enterprise id")
    .requiredOption("--staff <citizen>", "the staff member's citizen id")
    .requiredOption("--scopes <scopes>", "comma-separated: consent, tracker, credit, identity")
    .requiredOption("--until <date>", "when the appointment ends (ISO date)")
    .action(
      action(async (out, id: string, options: AppointStaffOptions) =>
        out.result(await (await import("./staff.js")).appointStaff({ ...options, enterprise: id }), (r) => `staff ${r.staff} may act for ${r.enterprise} (${r.scopes.join(", ")}) until ${day(r.expiresAt)}`),
      ),
    );
  withKeyOptions(withNodeOptions(staff.command("remove").description("end an appointment (legal representative, the staff member, or the counter)")), "citizen")
    .argument("<enterprise>", "unified social credit code or enterprise id")
    .requiredOption("--staff <citizen>", "the staff member's citizen id")
    .action(
      action(async (out, id: string, options: RemoveStaffOptions) =>
        out.result(await (await import("./staff.js")).removeStaff({ ...options, enterprise: id }), (r) => `staff ${r.staff} no longer acts for ${r.enterprise}`),
      ),
    );
}
