import type { Command } from "commander";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions } from "../../internal/options.js";
import { short, table } from "../../internal/output.js";
import type { TraceOptions } from "./trace.js";

export function registerTraceCommand(program: Command): void {
  const audit = group(program, "audit", "auditors: trace accesses and verify the access log");
  withKeyOptions(withNodeOptions(audit.command("trace").description("trace accesses by citizen, agency, purpose and time (auditor key)")), "auditor")
    .option("--citizen <id>", "one citizen")
    .option("--agency <address>", "one agency")
    .option("--purpose <name>", "one purpose")
    .option("--from <time>", "from (ISO date/time or unix seconds)")
    .option("--to <time>", "until (ISO date/time or unix seconds)")
    .option("--limit <n>", "at most this many records", "100")
    .option("--after <seq>", "only records after this sequence number (paging)")
    .option("--verify", "check each anchored record's inclusion proof against the chain")
    .action(
      action(async (out, options: TraceOptions) =>
        out.result(await (await import("./trace.js")).traceAccesses({ ...options, verbose: out.verbose }), (r) =>
          r.records.length === 0
            ? "no matching accesses"
            : table(
                ["SEQ", "TIME", "AGENCY", "PURPOSE", "CITIZEN", "KIND", "CATEGORIES", "DECISION", "PROOF", "REASON"],
                r.records.map((x) => [String(x.seq), new Date(x.time).toISOString(), x.agencyName ?? x.agency, x.purposeName ?? x.purpose, out.verbose ? x.citizen : short(x.citizen), x.kind, x.categories.join(",") || "-", x.decision, x.verified === undefined ? x.proof : x.verified ? "verified" : "PROOF INVALID", x.reasonText || "-"]),
              ),
        ),
      ),
    );
}
