import type { Command } from "commander";
import { action, group } from "../../internal/action.js";
import { short, table } from "../../internal/output.js";
import type { ServicesListOptions, ServicesListResult, ServicesRulesOptions } from "./services.js";

const DATA_DIR = ["--data-dir <dir>", "the node's data directory (env IMI_DATA_DIR, default .imi)"] as const;

function listTable(r: ServicesListResult, verbose: boolean): string | string[] {
  if (r.services.length === 0) return "no services match";
  return table(
    ["ID", "SERVICE", "CITIZEN", "STATE", "DELIVERY", "ATTEMPTS", "REASON / LAST ERROR"],
    r.services.map((s) => [
      verbose ? s.id : short(s.id),
      s.rule,
      verbose ? s.citizen : short(s.citizen),
      s.state,
      s.delivery.kind === "payment" ? `payment ${(s.delivery.amountFen ?? 0) / 100} CNY ${s.delivery.recurring ?? ""}` : s.delivery.kind === "registration" ? `registration ${s.delivery.step ?? ""}` : `credential ${s.delivery.credentialHash ? short(s.delivery.credentialHash) : ""}`,
      String(s.attempts),
      s.lastError ? `${s.lastError.code}${s.nextAttemptAt ? ` (retry ${new Date(s.nextAttemptAt).toISOString()})` : ""}` : (s.reason ?? "-"),
    ]),
  );
}

export function registerServicesCommands(program: Command): void {
  const services = group(program, "services", "life-event services (免申即享): rules, deliveries, offers, failures");
  services
    .command("rules")
    .description("the rule set in effect (<data-dir>/services.json or the default), validated")
    .option(...DATA_DIR)
    .action(
      action(async (out, options: ServicesRulesOptions) =>
        out.result(await (await import("./services.js")).servicesRules(options), (r) => [
          `${r.count} rules from ${r.origin}; standing consent: purpose ${r.purpose}, to ${r.account ?? "(the services account, created at the first start)"}`,
          ...table(
            ["RULE", "EVENT", "ELIGIBILITY", "DELIVERS", "ISSUER"],
            r.rules.map((x) => [
              x.id,
              x.event.schema,
              x.eligibility.map((p) => `${p.expect ? "" : "not "}${p.type === "ageAtLeast" ? `age>=${p.years}` : p.type === "residentOf" ? `resident ${p.district}` : `holds ${p.schema}`}`).join(" & "),
              x.delivery.kind === "credential" ? `credential ${x.delivery.schema}` : x.delivery.kind === "payment" ? `payment ${x.delivery.amountFen / 100} CNY ${x.delivery.recurring}` : `registration ${x.delivery.step}`,
              x.issuer,
            ]),
          ),
        ]),
      ),
    );
  const list = (name: string, description: string, state?: string) =>
    services
      .command(name)
      .description(description)
      .option(...DATA_DIR)
      .option("--citizen <id>", "one citizen")
      .option("--state <state>", "pending, delivering, delivered, offered, ineligible, failed or declined", state)
      .action(
        action(async (out, options: ServicesListOptions) => {
          const r = await (await import("./services.js")).servicesList(options);
          out.result(r, (x) => [`${x.running ? "node running" : "node stopped (read from its store)"}; ${Object.entries(x.counts).map(([k, v]) => `${v} ${k}`).join(", ") || "none"}`, ...[listTable(x, out.verbose)].flat()]);
        }),
      );
  list("list", "every service job: state, delivery, attempts, last error");
  list("deliveries", "services delivered", "delivered");
  list("offers", "services offered to citizens without the standing consent", "offered");
  list("failures", "deliveries that failed and wait for their retry", "failed");
}
