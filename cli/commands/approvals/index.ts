import type { Command } from "commander";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions } from "../../internal/options.js";
import { short, table } from "../../internal/output.js";
import type { ApprovalsListOptions, ApprovalsListResult } from "./approvals.js";

function view(r: ApprovalsListResult, verbose: boolean): string | string[] {
  if (r.applications.length === 0) return "no applications match";
  return [
    ...table(
      ["APPLICATION", "SERVICE", "APPLICANT", "STATE", "NODES", "OVERDUE", "STEPS", "LOG"],
      r.applications.map((a) => [
        verbose ? a.id : short(a.id),
        a.service,
        verbose ? a.applicant : short(a.applicant),
        a.state,
        a.nodes.map((n) => `${n.name}:${n.status}`).join(" "),
        a.overdueNodes.join(",") || "-",
        String(a.steps.length),
        a.verified ? "verified" : `MISMATCH (${a.problems.join("; ")})`,
      ]),
    ),
    `${r.applications.length} applications as of ${new Date(r.asOf).toISOString()}; ${r.overdueCount} with a node past its limit; ${r.unverifiedCount} not matching the log`,
  ];
}

export function registerApprovalsCommands(program: Command): void {
  const approvals = group(program, "approvals", "one-door supervision: approval steps of service applications, on the record");
  for (const [name, description, overdue] of [
    ["list", "every application with its nodes' timing and each step held against the access log (auditor key)", false],
    ["overdue", "the applications with a node past its time limit (auditor key)", true],
  ] as const)
    withKeyOptions(withNodeOptions(approvals.command(name).description(description)), "auditor")
      .option("--at <time>", "judge the time limits as of this time (ISO date/time or unix seconds; default now)")
      .option("--limit <n>", "at most this many applications", "1000")
      .action(action(async (out, options: ApprovalsListOptions) => out.result(await (await import("./approvals.js")).listApprovals({ ...options, overdue }), (r) => view(r, out.verbose))));
}
