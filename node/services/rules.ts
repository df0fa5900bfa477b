// The rule set of the life-event services (免申即享): which anchored life-event credential opens
// which service, for whom, on which conditions, and who delivers it. Rules are data: the default
// set ships in defaultRules.ts; an operator replaces it with <dataDir>/services.json (or
// services.rulesFile in imi.json). The set is validated once at start, and a bad rule stops the
// start with a message naming the rule and the field, like the rest of the configuration.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { NodeError } from "../NodeError.js";

const slug = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, "use lower-case letters, digits, dots and dashes (at most 63)");
const localized = z.object({ "zh-CN": z.string().min(1).max(200), en: z.string().min(1).max(200) }).strict();

/**
 * A yes/no the gateway answers (POST /v1/access/predicate) under the citizen's standing consent;
 * `expect` is the answer that makes the person eligible (false turns "65 or older" into "under 65").
 */
export const PredicateRuleSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ageAtLeast"), years: z.number().int().min(0).max(150), expect: z.boolean().default(true) }).strict(),
  z.object({ type: z.literal("residentOf"), district: z.string().min(1).max(100), expect: z.boolean().default(true) }).strict(),
  /** Holds a valid credential of the schema registered under this name (any version). */
  z.object({ type: z.literal("hasValidCredential"), schema: slug, expect: z.boolean().default(true) }).strict(),
]);
export type PredicateRule = z.infer<typeof PredicateRuleSchema>;

export const DeliverySchema = z.discriminatedUnion("kind", [
  /** The services key anchors a credential (an e-voucher, a card) under this schema name, issued to the person. */
  z.object({ kind: z.literal("credential"), schema: slug, validDays: z.number().int().min(1).max(36_500).optional(), claims: z.record(z.union([z.string(), z.number(), z.boolean()])).default({}) }).strict(),
  /** A payment instruction to the paying department: amount in fen, to the account it holds on file. No bank is called. */
  z.object({ kind: z.literal("payment"), amountFen: z.number().int().min(1).max(100_000_000), account: z.string().min(1).max(64), recurring: z.enum(["once", "monthly", "yearly"]).default("once") }).strict(),
  /** A registration step recorded for the department that completes it (household registration, insurance enrolment). */
  z.object({ kind: z.literal("registration"), step: slug }).strict(),
]);
export type Delivery = z.infer<typeof DeliverySchema>;

export const ServiceRuleSchema = z
  .object({
    id: slug,
    name: localized,
    /** The policy the service rests on, as a person would cite it. */
    source: z.string().min(1).max(300),
    /** The life event: credentials anchored under a schema registered with this name (any version). */
    event: z.object({ schema: slug }).strict(),
    /** Every predicate must come out as expected; at least one, so the consent is always consulted. */
    eligibility: z.array(PredicateRuleSchema).min(1).max(8),
    delivery: DeliverySchema,
    /** The department that delivers (civil-affairs, health, human-resources ...). */
    issuer: slug,
  })
  .strict();
export type ServiceRule = z.infer<typeof ServiceRuleSchema>;

export const ServiceRuleSetSchema = z
  .object({
    version: z.literal(1),
    /** The purpose the standing "proactive services" consent names. */
    purpose: slug.default("proactive-services"),
    rules: z.array(ServiceRuleSchema).min(1).max(1000),
    /** How the component runs: off, how often it looks for new life events, how failed deliveries are retried. */
    engine: z
      .object({
        enabled: z.boolean().default(true),
        pollIntervalMs: z.number().int().min(50).max(60_000).default(500),
        retryBaseMs: z.number().int().min(10).max(3_600_000).default(2_000),
        retryMaxMs: z.number().int().min(10).max(86_400_000).default(300_000),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    set.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["rules", i, "id"], message: `duplicate rule id ${rule.id}` });
      seen.add(rule.id);
    });
  });
export type ServiceRuleSet = z.infer<typeof ServiceRuleSetSchema>;
/** A rule set as written (defaults not yet filled in). */
export type ServiceRuleSetInput = z.input<typeof ServiceRuleSetSchema>;

/** Validates a rule set; the error names the rule (by id when it has one) and the field. */
export function parseServiceRules(input: unknown, origin: string): ServiceRuleSet {
  const parsed = ServiceRuleSetSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path;
  let where = path.join(".");
  if (path[0] === "rules" && typeof path[1] === "number") {
    const id = (input as { rules?: Array<{ id?: unknown }> })?.rules?.[path[1]]?.id;
    if (typeof id === "string") where = [`rules[${id}]`, ...path.slice(2)].join(".");
  }
  throw new NodeError("SERVICES_RULES_INVALID", `${origin}: ${where || "(rule set)"}: ${issue.message.toLowerCase()}. See docs/services.md for how to write rules.`, {
    details: { setting: "services.rulesFile", path: where },
  });
}

/** Reads a rule file (JSON). */
export async function readServiceRules(file: string): Promise<ServiceRuleSet> {
  let raw: string;
  try {
    raw = await readFile(file, "utf8");
  } catch (cause) {
    throw new NodeError("SERVICES_RULES_INVALID", `${file}: cannot be read. Give an existing rule file or remove services.rulesFile.`, { cause, details: { setting: "services.rulesFile" } });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new NodeError("SERVICES_RULES_INVALID", `${file}: not JSON (${(cause as Error).message}). Fix the syntax.`, { cause, details: { setting: "services.rulesFile" } });
  }
  return parseServiceRules(json, file);
}

/** The gateway's data category each predicate reads (the one scope its request names). */
export function categoryOf(predicate: PredicateRule): "birth" | "address" | "credentials" {
  return predicate.type === "ageAtLeast" ? "birth" : predicate.type === "residentOf" ? "address" : "credentials";
}

/** Every schema name a rule set refers to: the life events it follows and the credentials it reads or issues. */
export function schemaNamesOf(set: ServiceRuleSet): { events: string[]; issued: string[]; read: string[] } {
  const events = new Set<string>();
  const issued = new Set<string>();
  const read = new Set<string>();
  for (const rule of set.rules) {
    events.add(rule.event.schema);
    if (rule.delivery.kind === "credential") issued.add(rule.delivery.schema);
    for (const p of rule.eligibility) if (p.type === "hasValidCredential") read.add(p.schema);
  }
  return { events: [...events], issued: [...issued], read: [...read] };
}
