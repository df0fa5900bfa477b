import type { Command } from "commander";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions, type NodeOptions } from "../../internal/options.js";
import { table } from "../../internal/output.js";
import type { ApplyRepairOptions, DecideRepairOptions, DefineListOptions, RecordEntryOptions } from "./credit.js";

const day = (seconds: bigint | number | string) => (Number(seconds) === 0 ? "-" : new Date(Number(seconds) * 1000).toISOString().slice(0, 10));

export function registerCreditCommands(program: Command): void {
  const credit = group(program, "credit", "red and black lists (信用): define lists, record entries, repair, public lookup");

  withKeyOptions(withNodeOptions(credit.command("define-list").description("declare a registered credential schema a red or black list (governor key)")), "governor")
    .requiredOption("--schema <id>", "schema id (from `imi issuer schema register`)")
    .requiredOption("--kind <kind>", "red | black")
    .option("--public", "publicly viewable (公示): the public lookup serves its entries")
    .action(action(async (out, options: DefineListOptions) => out.result(await (await import("./credit.js")).defineList(options), (r) => `${r.kind} list ${r.schemaId} defined${r.published ? ", public" : ""}`)));

  withKeyOptions(withNodeOptions(credit.command("record").description("record a list entry (credit authority key)")), "credit authority")
    .requiredOption("--schema <id>", "the list's schema id")
    .requiredOption("--subject <code|id>", "an enterprise's unified social credit code, or a citizen or enterprise id")
    .requiredOption("--legal-basis <text|hash>", "the provision the entry rests on (its hash goes on chain)")
    .requiredOption("--reason <code>", "reason code (0-65535)")
    .option("--from <date>", "start (ISO date; default now)")
    .option("--until <date>", "end (ISO date; default until ended)")
    .option("--entry <id>", "the entry's credential hash (default: a new random id)")
    .action(action(async (out, options: RecordEntryOptions) => out.result(await (await import("./credit.js")).recordEntry(options), (r) => `entry ${r.entryId} recorded for ${r.subject} from ${day(r.startsAt)} until ${day(r.endsAt)}`)));

  withNodeOptions(credit.command("show").description("an entry with its status now and every repair application"))
    .argument("<entry>", "entry id")
    .action(
      action(async (out, entry: string, options: NodeOptions) =>
        out.result(await (await import("./credit.js")).showEntry({ ...options, entry }), (r) => [
          `entry ${r.entryId}: ${r.status} (${r.list.kind} list ${r.schemaId})`,
          `  subject ${r.subject} (${r.subjectKind}), reason ${r.reason}, ${day(r.startsAt)} – ${day(r.endsAt)}`,
          ...r.repairs.map((a) => `  repair #${a.repairId}: ${a.status}${a.decidedAt !== 0n ? ` (reason ${a.decisionReason})` : ""}`),
        ]),
      ),
    );

  const repair = credit.command("repair").description("credit repair (信用修复): apply, decide, queue");
  withKeyOptions(withNodeOptions(repair.command("apply").description("apply for repair of a black-list entry (the citizen's key, or an enterprise representative's with the credit scope)")), "citizen")
    .requiredOption("--entry <id>", "the entry")
    .requiredOption("--evidence <text|hash>", "reference to the evidence (its hash goes on chain)")
    .action(action(async (out, options: ApplyRepairOptions) => out.result(await (await import("./credit.js")).applyRepair(options), (r) => `repair application #${r.repairId} filed for ${r.entryId}`)));
  withKeyOptions(withNodeOptions(repair.command("decide").description("approve (the entry ends now) or reject an application (credit authority key)")), "credit authority")
    .argument("<repair>", "application number")
    .option("--approve", "approve")
    .option("--reject", "reject")
    .requiredOption("--reason <code>", "reason code (0-65535)")
    .action(
      action(async (out, id: string, options: DecideRepairOptions) =>
        out.result(await (await import("./credit.js")).decideRepair({ ...options, repair: id }), (r) => `repair #${r.repairId} ${r.approved ? "approved: the entry has ended" : "rejected"} (reason ${r.reason})`),
      ),
    );
  withNodeOptions(repair.command("queue").description("pending applications, oldest first, with their age"))
    .action(
      action(async (out, options: NodeOptions) =>
        out.result(await (await import("./credit.js")).repairQueue(options), (r) =>
          r.pending.length === 0 ? "no pending applications" : table(["#", "ENTRY", "APPLICANT", "AGE"], r.pending.map((a) => [String(a.repairId), a.entryId, a.applicant, `${Math.floor(a.ageSeconds / 3600)} h`])),
        ),
      ),
    );

  withNodeOptions(credit.command("lookup").description("public (公示) entries of an enterprise or subject, through the gateway"))
    .option("--code <code>", "unified social credit code")
    .option("--subject <id>", "citizen or enterprise id")
    .action(
      action(async (out, options: NodeOptions & { code?: string; subject?: string }) =>
        out.result(await (await import("./credit.js")).publicLookup(options), (r) =>
          r.entries.length === 0 ? `no public entries for ${r.code ?? r.subject}` : table(["LIST", "KIND", "REASON", "FROM", "UNTIL", "STATUS"], r.entries.map((e) => [e.list, e.kind, String(e.reason), day(e.startsAt), day(e.endsAt), e.status])),
        ),
      ),
    );
}
