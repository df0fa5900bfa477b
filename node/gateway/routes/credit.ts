import type { FastifyPluginAsync } from "fastify";
import { ZeroHash } from "ethers";
import {
  canonicalJson,
  enterpriseIdOf,
  gatewayRoutes,
  getCreditLists,
  InvalidInputError,
  isCreditListed,
  type CreditPredicateRequestJson,
  type Hex,
  type PublicCreditEntry,
} from "@imi-ledger/sdk";
import { Decision } from "../../indexer/index.js";
import { decideSubjectAccess } from "../internal/enterpriseSubject.js";
import type { AccessTerms, GatewayContext } from "../internal/GatewayContext.js";
import { signPredicateAnswer } from "../internal/predicateAnswer.js";
import { creditEntriesOn } from "../internal/creditEntries.js";
import { keccakHex } from "../internal/fastTypedData.js";
import { GatewayError, badRequest, unavailable } from "../errors.js";

type Decided = { allowed: boolean; reason: string; grantId: string; basis: "consent" | "statutory" | "none" };

/**
 * Red and black lists (CreditRegistry) through the gateway: the agency's yes/no (joint reward and
 * punishment without disclosure) and the public lookup of 公示 lists.
 *
 * The yes/no is read from the chain at the moment of asking, not from the index: the index does not
 * follow the CreditRegistry, and a list entry ended by an approved repair must stop counting at once.
 * A chain that cannot be read is a logged refusal and a 503 (fail closed).
 */
export const creditRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { categories } = ctx.options;

  function requireCreditRegistry(): void {
    if (!ctx.options.deployment.contracts.creditRegistry || !ctx.options.deployment.contracts.enterpriseRegistry)
      throw unavailable("CREDIT_NOT_DEPLOYED", "This deployment has no CreditRegistry.");
  }

  /**
   * The consent or statutory decision, as every access: a citizen from the index, an enterprise from
   * the index's grant and the chain's "active enterprise" (enterprises grant consents through their
   * representatives, and joint punishment usually rests on a statutory grant for any subject).
   */
  async function decideFor(agency: string, terms: AccessTerms): Promise<Decided> {
    const d = await decideSubjectAccess(ctx, agency, terms);
    // A consent limited in uses is counted on chain by the access routes; these answers do not count uses, so they refuse it.
    if (d.decision === Decision.Allowed && d.maxUses !== 0 && d.basis === "consent") return { allowed: false, reason: "USE_LIMITED_CONSENT", grantId: d.grantId, basis: d.basis };
    return { allowed: d.decision === Decision.Allowed, reason: d.reason, grantId: d.grantId, basis: d.basis };
  }

  app.post<{ Body: CreditPredicateRequestJson }>("/v1/credit/predicate", { schema: gatewayRoutes.creditPredicate.schema }, async (request, reply) => {
    requireCreditRegistry();
    await ctx.catchUp();
    ctx.assertFresh();
    const body = request.body;
    const terms: AccessTerms = { citizen: body.citizen.toLowerCase(), scopes: BigInt(body.scopes), purpose: body.purpose.toLowerCase(), grantId: (body.grantId ?? ZeroHash).toLowerCase() };
    const bit = categories.indexOf("credentials");
    if (bit < 0 || terms.scopes !== 1n << BigInt(bit)) throw badRequest("SCOPE_MISMATCH", 'A credit predicate reads exactly the "credentials" category.');
    const call = ctx.requireAgencyCall(request, terms);
    const predicate = { type: "creditListed" as const, schemaId: body.predicate.schemaId.toLowerCase() };
    const predicateHash = keccakHex(canonicalJson(predicate));
    const base = { agency: call.agency, citizen: terms.citizen, kind: "predicate" as const, scopes: terms.scopes, purpose: terms.purpose, requestHash: call.requestHash };
    const refuse = async (status: number, code: string, logged: { grantId: string; basis: Decided["basis"] }) => {
      const r = await ctx.record({ ...base, ...logged, decision: "denied", reason: code, responseHash: ZeroHash }, call.nonceDurable);
      return reply.code(status).send({ code, message: "Access refused; the refusal is logged.", receipt: r });
    };
    let d: Decided;
    let result: boolean;
    try {
      d = await decideFor(call.agency, terms);
      if (!d.allowed) return refuse(403, d.reason, d);
      const list = await listKindOf(predicate.schemaId as Hex);
      if (list === "none") return refuse(404, "UNKNOWN_LIST", d);
      result = await isCreditListed(ctx.relay, { subject: terms.citizen as Hex, schemaId: predicate.schemaId as Hex });
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      // Fail closed: without the chain's answer nothing is said; the refusal is logged, then 503.
      await ctx.record({ ...base, grantId: terms.grantId, basis: "none", decision: "denied", reason: "CHAIN_UNAVAILABLE", responseHash: ZeroHash }, call.nonceDurable).catch(() => undefined);
      throw unavailable("CHAIN_UNAVAILABLE", "The chain could not be read; nothing is answered.", error);
    }
    const responseHash = ctx.responseHash({ predicate: predicateHash, result });
    const r = await ctx.record({ ...base, grantId: d.grantId, basis: d.basis, decision: "allowed", reason: "ALLOWED", responseHash }, call.nonceDurable);
    const signed = signPredicateAnswer(ctx, call, { citizen: terms.citizen, predicate: predicateHash, result }, r);
    return { result, predicateHash, grantId: d.grantId, ...signed, receipt: r };
  });

  async function listKindOf(schemaId: Hex): Promise<"none" | "red" | "black"> {
    const lists = await getCreditLists(ctx.relay);
    return lists.find((l) => l.schemaId === schemaId.toLowerCase())?.kind ?? "none";
  }

  app.get<{ Querystring: { code?: string; subject?: string } }>("/v1/credit/public", { schema: gatewayRoutes.creditPublic.schema }, async (request) => {
    requireCreditRegistry();
    const { code, subject: given } = request.query;
    if ((code === undefined) === (given === undefined)) throw badRequest("SUBJECT_REQUIRED", "Give either code (a unified social credit code) or subject (an id).");
    let subject: Hex;
    try {
      subject = (code !== undefined ? enterpriseIdOf(code) : given!.toLowerCase()) as Hex;
    } catch (error) {
      if (error instanceof InvalidInputError) throw badRequest(error.code, error.shortMessage);
      throw error;
    }
    try {
      const lists = (await getCreditLists(ctx.relay)).filter((l) => l.published);
      const entries: PublicCreditEntry[] = (await creditEntriesOn(ctx, subject, lists)).map(({ published: _published, ...entry }) => entry);
      return { subject, ...(code !== undefined ? { code: code.trim().toUpperCase() } : {}), entries };
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw unavailable("CHAIN_UNAVAILABLE", "The chain could not be read.", error);
    }
  });
};
