// A job as the citizen (GET /v1/citizen/services) and the CLI (`imi services ...`) see it: the SDK's
// CitizenService shape, with the rule's names and the credential the citizen holds.
import type { CitizenService, Hex } from "@imi-ledger/sdk";
import type { ServiceRuleSet } from "./rules.js";
import type { ServiceJob } from "./ServicesStore.js";

function predicateText(p: ServiceJob["checks"][number]["predicate"]): string {
  const q = p.type === "ageAtLeast" ? `ageAtLeast(${p.years})` : p.type === "residentOf" ? `residentOf(${p.district})` : `hasValidCredential(${p.schema})`;
  return p.expect ? q : `not ${q}`;
}

export function serviceJson(job: ServiceJob, rules: ServiceRuleSet, options: { withCredential?: boolean } = {}): CitizenService {
  const rule = rules.rules.find((r) => r.id === job.rule);
  const d = job.delivered;
  const delivery: CitizenService["delivery"] =
    d?.kind === "credential"
      ? { kind: "credential", credentialHash: d.credentialHash as Hex, validUntil: d.validUntil }
      : d?.kind === "payment"
        ? { kind: "payment", amountFen: d.amountFen, account: d.account, recurring: d.recurring, reference: d.instructionId as Hex }
        : d?.kind === "registration"
          ? { kind: "registration", step: d.step, reference: d.registrationId as Hex }
          : job.plan.kind === "payment"
            ? { kind: "payment", amountFen: job.plan.amountFen, account: job.plan.account, recurring: job.plan.recurring }
            : job.plan.kind === "registration"
              ? { kind: "registration", step: job.plan.step }
              : { kind: "credential" };
  return {
    id: job.id as Hex,
    rule: job.rule,
    ...(rule ? { name: rule.name, issuer: rule.issuer } : {}),
    state: job.state,
    event: { schema: job.event.schema, credentialHash: job.event.credentialHash as Hex, block: job.event.block },
    delivery,
    ...(job.reason ? { reason: job.reason } : {}),
    attempts: job.attempts,
    ...(job.lastError ? { lastError: job.lastError } : {}),
    ...(job.state === "failed" && job.nextAttemptAt !== undefined ? { nextAttemptAt: job.nextAttemptAt } : {}),
    createdAt: job.createdAt,
    ...(job.deliveredAt !== undefined ? { deliveredAt: job.deliveredAt } : {}),
    ...(job.declinedAt !== undefined ? { declinedAt: job.declinedAt } : {}),
    ...(job.receipt ? { receipt: { seq: job.receipt.seq, recordHash: job.receipt.recordHash as Hex } } : {}),
    checks: job.checks.map((c) => ({ predicate: predicateText(c.predicate), result: c.result, code: c.code, ...(c.seq !== undefined ? { seq: c.seq } : {}) })),
    ...(options.withCredential && d?.kind === "credential" && job.state === "delivered" ? { credential: d.document } : {}),
  };
}
