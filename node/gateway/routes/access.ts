import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { ZeroHash, computeAddress } from "ethers";
import { canonicalJson } from "@imi-ledger/sdk";
import { consumeConsent } from "@imi-ledger/sdk";
import { ConsentRegistryNotUsableError, ConsentRegistryUseLimitReachedError } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { DECISION_CODES, Decision } from "../../indexer/index.js";
import { decideSubjectAccess } from "../internal/enterpriseSubject.js";
import type { AccessReceipt } from "../internal/accessLog.js";
import type { AccessTerms, AgencyCall, GatewayContext } from "../internal/GatewayContext.js";
import { signPredicateAnswer } from "../internal/predicateAnswer.js";
import { askDepartment, signSourced, type DepartmentOutcome } from "../internal/departmentPredicate.js";
import { evaluatePredicate, PREDICATE_CATEGORIES } from "../../vault/index.js";
import { encryptToKey } from "@imi-ledger/sdk";
import { keccakHex } from "../internal/fastTypedData.js";
import { badRequest } from "../errors.js";
import { gatewayRoutes } from "@imi-ledger/sdk";

type Decided = { allowed: boolean; reason: string; grantId: string; basis: "consent" | "statutory" | "none"; maxUses: number; excess?: bigint };

/**
 * The consent decision from the index, exactly ConsentRegistry.check (grant zero = the latest consent, as
 * mayAccess). An enterprise subject (one the index knows as no citizen) is decided by the same rules with
 * its standing read from the chain; a chain that cannot be read is a refusal (logged, then 503).
 */
async function decideFromIndex(ctx: GatewayContext, call: AgencyCall, terms: AccessTerms): Promise<Decided> {
  try {
    const d = await decideSubjectAccess(ctx, call.agency, terms);
    return { allowed: d.decision === Decision.Allowed, reason: d.reason, grantId: d.grantId, basis: d.basis, maxUses: d.maxUses };
  } catch {
    return { allowed: false, reason: "CHAIN_UNAVAILABLE", grantId: terms.grantId, basis: "none", maxUses: 0 };
  }
}

/**
 * Nothing beyond the agency's registration (AgencyRegistry) is released, whatever the grant says: a
 * consent given before the agency's registration was narrowed is refused here, at access time. Checked
 * after the grant's own decision, so every other refusal keeps its reason, and before a limited
 * consent's use is counted. A registry the gateway cannot read refuses (fails closed).
 */
async function withinRegistration(ctx: GatewayContext, agency: string, terms: AccessTerms, d: Decided): Promise<Decided> {
  if (!d.allowed) return d;
  let excess: bigint;
  try {
    excess = await ctx.registrationExcess(agency, terms.purpose, terms.scopes);
  } catch {
    return { ...d, allowed: false, reason: "AGENCY_REGISTRY_UNAVAILABLE" };
  }
  return excess === 0n ? d : { ...d, allowed: false, reason: "AGENCY_NOT_REGISTERED_FOR", excess };
}

/**
 * Runs `answer` under the grant's use limit. A limited consent's uses are counted on chain by
 * ConsentRegistry.consume, which every gateway of the deployment calls before it releases anything:
 * one count for all gateways (each gateway's own log only knew its own uses, so maxUses = 1 allowed
 * one access per gateway). The chain orders concurrent uses; a revert past the limit (or of a consent
 * the chain no longer allows) becomes a logged denial. Unlimited consents, the common case, pay no
 * transaction. The use is counted before the data is read: if the read then fails, that use is spent
 * (the limit errs towards fewer accesses, never more). The gateway's own count and the index's view
 * of the chain's count refuse early without a transaction; the per-grant lock keeps one gateway's
 * concurrent requests from sending transactions that would only revert.
 */
async function withinUseLimit<T>(ctx: GatewayContext, d: Decided, answer: (d: Decided) => Promise<T>): Promise<T> {
  if (!d.allowed || d.maxUses === 0 || d.basis !== "consent") return answer(d);
  return ctx.grantLocks.run(d.grantId, async () => {
    const limitReached = { ...d, allowed: false, reason: "USE_LIMIT_REACHED" };
    const used = await ctx.options.accessLog.countAllowed(d.grantId);
    if (used >= d.maxUses || (ctx.options.indexer.consent(d.grantId)?.uses ?? 0) >= d.maxUses) return answer(limitReached);
    try {
      await consumeConsent(ctx.relay, { consentId: d.grantId as Hex });
    } catch (error) {
      if (error instanceof ConsentRegistryUseLimitReachedError) return answer(limitReached);
      if (error instanceof ConsentRegistryNotUsableError) return answer({ ...d, allowed: false, reason: DECISION_CODES[Number(error.args.decision) as Decision] ?? "NOT_USABLE" });
      // Fail closed: without the chain's count nothing is released. The refusal is logged, then 503.
      return answer({ ...d, allowed: false, reason: "USE_COUNT_UNAVAILABLE" });
    }
    return answer(d);
  });
}

function deny(reply: FastifyReply, status: number, code: string, r: AccessReceipt, excess?: bigint, categories?: readonly string[]) {
  // The chain could not count a limited consent's use, or the registry could not be read: a fault, not a decision about the agency.
  if (code === "USE_COUNT_UNAVAILABLE" || code === "AGENCY_REGISTRY_UNAVAILABLE" || code === "CHAIN_UNAVAILABLE") status = 503;
  if (excess !== undefined && categories) {
    const names = categories.filter((_c, i) => (excess >> BigInt(i)) & 1n);
    return reply.code(status).send({
      code,
      message: `Access refused: the agency did not register ${names.join(", ")} for this purpose; the refusal is logged.`,
      receipt: r,
      excessScopes: excess.toString(),
      excessCategories: names,
    });
  }
  return reply.code(status).send({ code, message: "Access refused; the refusal is logged.", receipt: r });
}

type Predicate =
  | { type: "ageAtLeast"; years: number }
  | { type: "residentOf"; district: string }
  | { type: "hasValidCredential"; schemaId: Hex }
  | { type: "licenceValid"; kind?: string }
  | { type: "taxInGoodStanding" };

/** Agencies read data (flow 3) or ask yes/no questions (flow 4). Every decision is logged before the answer leaves. */
export const accessRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { indexer, vault, categories } = ctx.options;

  function termsOf(body: { citizen: string; scopes: string; purpose: string; grantId?: string }): AccessTerms {
    return { citizen: body.citizen.toLowerCase(), scopes: BigInt(body.scopes), purpose: body.purpose.toLowerCase(), grantId: (body.grantId ?? ZeroHash).toLowerCase() };
  }

  /** A vault failure is still a decision taken: it is logged as denied, then answered 503 without data. */
  async function readVault<T>(logged: Omit<Parameters<GatewayContext["record"]>[0], "decision" | "reason" | "responseHash">, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      await ctx.record({ ...logged, decision: "denied", reason: "VAULT_UNAVAILABLE", responseHash: ZeroHash }).catch(() => undefined);
      throw error;
    }
  }

  function categoriesOf(scopes: bigint): string[] {
    if (scopes === 0n) throw badRequest("INVALID_SCOPES", "scopes must name at least one category.");
    if (scopes >> BigInt(categories.length) !== 0n) throw badRequest("UNKNOWN_CATEGORY", "scopes name a category this gateway does not know.");
    return categories.filter((_c, i) => (scopes >> BigInt(i)) & 1n);
  }

  app.post<{ Body: { citizen: string; scopes: string; purpose: string; grantId?: string; encryptTo?: string } }>(
    "/v1/access/data",
    {
      schema: gatewayRoutes.accessData.schema,
    },
    async (request, reply) => {
      await ctx.catchUp();
      ctx.assertFresh();
      const terms = termsOf(request.body);
      const wanted = categoriesOf(terms.scopes);
      const call = ctx.requireAgencyCall(request, terms);
      const encryptTo = request.body.encryptTo;
      if (encryptTo !== undefined) {
        let owner: string;
        try {
          owner = computeAddress(encryptTo).toLowerCase();
        } catch {
          throw badRequest("INVALID_ENCRYPTION_KEY", "encryptTo is not a secp256k1 public key.");
        }
        if (owner !== call.agency) throw badRequest("WRONG_ENCRYPTION_KEY", "encryptTo must be the agency's own key.");
      }
      const base = { agency: call.agency, citizen: terms.citizen, kind: "data" as const, scopes: terms.scopes, purpose: terms.purpose, requestHash: call.requestHash };
      const decided = await withinRegistration(ctx, call.agency, terms, await decideFromIndex(ctx, call, terms));
      return withinUseLimit(ctx, decided, async (d) => {
        const logged = { ...base, grantId: d.grantId, basis: d.basis };
        if (!d.allowed) return deny(reply, 403, d.reason, await ctx.record({ ...logged, decision: "denied", reason: d.reason, responseHash: ZeroHash }, call.nonceDurable), d.excess, categories);
        const data = await readVault(logged, () => vault.get(terms.citizen, wanted));
        if (!data) return deny(reply, 404, "NO_RECORD", await ctx.record({ ...logged, decision: "denied", reason: "NO_RECORD", responseHash: ZeroHash }, call.nonceDurable));
        const payload = {
          citizen: terms.citizen,
          grantId: d.grantId,
          basis: d.basis,
          scopes: terms.scopes.toString(),
          purpose: terms.purpose,
          ...(encryptTo ? { encrypted: encryptToKey(encryptTo, new TextEncoder().encode(canonicalJson(data))) } : { data }),
        };
        const responseHash = ctx.responseHash(payload);
        const r = await ctx.record({ ...logged, decision: "allowed", reason: "ALLOWED", responseHash }, call.nonceDurable);
        return { ...payload, responseHash, receipt: r };
      });
    },
  );

  app.post<{ Body: { citizen: string; scopes: string; purpose: string; grantId?: string; predicate: Predicate } }>(
    "/v1/access/predicate",
    {
      schema: gatewayRoutes.accessPredicate.schema,
    },
    async (request, reply) => {
      await ctx.catchUp();
      ctx.assertFresh();
      const terms = termsOf(request.body);
      const predicate = request.body.predicate;
      const category = PREDICATE_CATEGORIES[predicate.type];
      const bit = categories.indexOf(category);
      if (bit < 0 || terms.scopes !== 1n << BigInt(bit)) throw badRequest("SCOPE_MISMATCH", `This predicate reads exactly the "${category}" category.`);
      const call = ctx.requireAgencyCall(request, terms);
      const predicateHash = keccakHex(canonicalJson(predicate));
      const base = { agency: call.agency, citizen: terms.citizen, kind: "predicate" as const, scopes: terms.scopes, purpose: terms.purpose, requestHash: call.requestHash };
      return withinUseLimit(ctx, await withinRegistration(ctx, call.agency, terms, await decideFromIndex(ctx, call, terms)), async (d) => {
        const logged = { ...base, grantId: d.grantId, basis: d.basis };
        if (!d.allowed) return deny(reply, 403, d.reason, await ctx.record({ ...logged, decision: "denied", reason: d.reason, responseHash: ZeroHash }, call.nonceDurable), d.excess, categories);
        let result: boolean | undefined;
        let sourced: Extract<DepartmentOutcome, { source: unknown }> | undefined;
        const department = ctx.options.departments?.ownerOf(category);
        if (predicate.type === "hasValidCredential") {
          result = indexer.validCredentialsOf(terms.citizen, predicate.schemaId, ctx.ruleTime()).length > 0;
        } else if (department) {
          // At the source: the department answers from its own data; the field never reaches the gateway.
          const outcome = await askDepartment(ctx, department, terms.citizen, predicate, call.requestHash);
          if ("refused" in outcome) return deny(reply, 503, outcome.refused, await ctx.record({ ...logged, decision: "denied", reason: outcome.refused, responseHash: ZeroHash }, call.nonceDurable));
          if ("source" in outcome) ({ result } = sourced = outcome);
        } else {
          const record = await readVault(logged, () => vault.get(terms.citizen, [category]));
          result = evaluatePredicate(record, predicate, ctx.options.now());
        }
        if (result === undefined) return deny(reply, 404, "NO_RECORD", await ctx.record({ ...logged, decision: "denied", reason: "NO_RECORD", responseHash: ZeroHash }, call.nonceDurable));
        const responseHash = ctx.responseHash(sourced ? { predicate: predicateHash, result, source: sourced.source } : { predicate: predicateHash, result });
        const r = await ctx.record({ ...logged, decision: "allowed", reason: "ALLOWED", responseHash }, call.nonceDurable);
        const signed = signPredicateAnswer(ctx, call, { citizen: terms.citizen, predicate: predicateHash, result }, r);
        const source = sourced ? { source: sourced.source, sourcedSignature: signSourced(ctx, signed.answer, sourced.source) } : {};
        return { result, predicateHash, grantId: d.grantId, ...signed, ...source, receipt: r };
      });
    },
  );
};
