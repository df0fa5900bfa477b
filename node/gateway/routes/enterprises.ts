// Enterprises in the vault and their tracker. Agencies read an enterprise's records and ask its
// predicates through the same access routes as for citizens (routes/access.ts, with the subject's
// standing from internal/enterpriseSubject.ts); this file holds what is the enterprise's own.
import type { FastifyPluginAsync } from "fastify";
import {
  ENTERPRISE_SCOPES,
  gatewayRoutes,
  getCreditLists,
  getCreditRepairs,
  getEnterprise,
  getEnterpriseStaff,
  getRepresentedEnterprises,
  recordCommitment,
  type EnterpriseRecordBody,
  type EnterpriseTracker,
  type Hex,
} from "@imi-ledger/sdk";
import { validateRecord, type CitizenRecord } from "../../vault/index.js";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { hasEnterprises, requireRepresentative } from "../internal/enterpriseSubject.js";
import { creditEntriesOn } from "../internal/creditEntries.js";
import { GatewayError, badRequest, forbidden, unavailable } from "../errors.js";
import { recordJson } from "../schemas.js";
import { LAPSE_CODES } from "../../indexer/decisions.js";
import { statutoryJson } from "./records.js";

const CONSENT_STATUS = ["none", "active", "paused", "revoked"] as const;

export const enterpriseRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { vault, indexer, accessLog } = ctx.options;

  /** Reads the chain; a chain that cannot be read is a 503 and nothing is stored or shown (fail closed). */
  async function fromChain<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw unavailable("CHAIN_UNAVAILABLE", "The chain could not be read.", error);
    }
  }

  app.post<{ Params: { enterprise: string }; Body: EnterpriseRecordBody }>(
    gatewayRoutes.putEnterpriseRecord.url,
    { schema: gatewayRoutes.putEnterpriseRecord.schema },
    async (request) => {
      const counter = ctx.requireStaff(request, "counter");
      if (!hasEnterprises(ctx)) throw unavailable("ENTERPRISES_NOT_DEPLOYED", "This deployment has no EnterpriseRegistry.");
      const enterprise = request.params.enterprise.toLowerCase();
      let record: CitizenRecord;
      try {
        record = validateRecord(request.body.record);
      } catch {
        throw badRequest("INVALID_RECORD", "The record must map category names to objects of plain values.");
      }
      // The register's own part ("enterprise": code, name) is kept with the rest; an access names
      // categories by the gateway's list, so a part outside it is stored but never released.
      const commitment = recordCommitment(record, request.body.salt).toLowerCase();
      const onChain = await fromChain(() => getEnterprise(ctx.relay, { enterprise: enterprise as Hex }));
      if (onChain.status !== "active") throw forbidden("ENTERPRISE_INACTIVE", "The enterprise is not registered, or deregistered.");
      // The vault holds only what the chain committed to: a record the counter did not commit is refused.
      if (onChain.commitment.toLowerCase() !== commitment) throw forbidden("COMMITMENT_MISMATCH", "The record and salt do not match the enterprise's commitment on chain.");
      await vault.put(enterprise, record);
      request.log.info({ event: "enterprise-record-stored", counter, categories: Object.keys(record).length }, "enterprise record stored");
      return { enterprise, commitment, categories: Object.keys(record) };
    },
  );

  app.get<{ Params: { enterprise: string }; Querystring: { afterSeq?: string; limit?: string } }>(
    gatewayRoutes.enterpriseTracker.url,
    { schema: gatewayRoutes.enterpriseTracker.schema },
    async (request) => {
      const session = ctx.requireCitizen(request);
      const enterprise = request.params.enterprise.toLowerCase();
      const viewer = await requireRepresentative(ctx, session, enterprise, ENTERPRISE_SCOPES.tracker);
      const q = request.query;
      const records = await accessLog.query({ citizen: enterprise, afterSeq: q.afterSeq === undefined ? undefined : Number(q.afterSeq), limit: q.limit === undefined ? 100 : Math.min(Number(q.limit), 1000) });
      // As for citizens: a statutory access may be held back for a configured time, then shown.
      const visibleFrom = ctx.options.now() - ctx.options.limits.statutoryDisclosureDelaySeconds * 1000;
      const consents = consentsOf(enterprise);
      const credit = await fromChain(() => creditOf(enterprise as Hex));
      return {
        enterprise,
        viewer: { citizen: viewer.citizen, asLegalRepresentative: viewer.asLegalRepresentative },
        accesses: records.filter((r) => r.basis !== "statutory" || r.time <= visibleFrom).map(recordJson),
        consents,
        statutory: indexer.statutoryForCitizen(enterprise).map(statutoryJson),
        credit,
      };
    },
  );

  /** The enterprise's consents as the index holds them, with their status now. */
  function consentsOf(enterprise: string) {
    const now = ctx.ruleTime();
    return indexer.consentsOfCitizen(enterprise).map((c) => {
      const lapse = c.status !== 3 ? LAPSE_CODES[indexer.consentLapse(c, now)] : undefined;
      return { ...c, scopes: c.scopes.toString(), validFrom: c.validFrom.toString(), validUntil: c.validUntil.toString(), status: lapse ? "lapsed" : CONSENT_STATUS[c.status], ...(lapse ? { lapseReason: lapse } : {}) };
    });
  }

  app.get(gatewayRoutes.citizenEnterprises.url, { schema: gatewayRoutes.citizenEnterprises.schema }, async (request) => {
    const session = ctx.requireCitizen(request);
    // A guardian's session acts for its ward, never for the ward's enterprises (as requireRepresentative).
    if (session.asGuardian || !hasEnterprises(ctx)) return { citizen: session.citizen, enterprises: [] };
    const represented = await fromChain(() => getRepresentedEnterprises(ctx.relay, { citizen: session.citizen as Hex }));
    const enterprises = [];
    for (const e of represented) {
      // The register's own part of the record (code, name) names the enterprise on the page; without it the page shows the id.
      let register: Record<string, unknown> | undefined;
      try {
        register = (await vault.get(e.enterprise, ["enterprise"]))?.enterprise as Record<string, unknown> | undefined;
      } catch (error) {
        throw unavailable("VAULT_UNAVAILABLE", "The vault could not be read.", error);
      }
      enterprises.push({
        enterprise: e.enterprise,
        ...(typeof register?.name === "string" && { name: register.name }),
        ...(typeof register?.code === "string" && { code: register.code }),
        asLegalRepresentative: e.asLegalRepresentative,
        scopes: e.scopes.toString(),
        scopeNames: e.scopeNames,
        expiresAt: e.expiresAt.toString(),
      });
    }
    return { citizen: session.citizen, enterprises };
  });

  app.get<{ Params: { enterprise: string } }>(gatewayRoutes.enterpriseStaff.url, { schema: gatewayRoutes.enterpriseStaff.schema }, async (request) => {
    const enterprise = request.params.enterprise.toLowerCase();
    // Any representative sees who acts for the enterprise (scopes 0: appointed, not removed, not expired).
    const viewer = await requireRepresentative(ctx, ctx.requireCitizen(request), enterprise, 0n);
    const [onChain, staff] = await fromChain(() => Promise.all([getEnterprise(ctx.relay, { enterprise: enterprise as Hex }), getEnterpriseStaff(ctx.relay, { enterprise: enterprise as Hex })]));
    return {
      enterprise,
      legalRepresentative: onChain.legalRepresentative.toLowerCase(),
      viewer,
      staff: staff.map((s) => ({ ...s, scopes: s.scopes.toString(), appointedAt: s.appointedAt.toString(), expiresAt: s.expiresAt.toString(), removedAt: s.removedAt.toString() })),
    };
  });

  app.get<{ Params: { enterprise: string } }>(gatewayRoutes.enterpriseConsents.url, { schema: gatewayRoutes.enterpriseConsents.schema }, async (request) => {
    const enterprise = request.params.enterprise.toLowerCase();
    await requireRepresentative(ctx, ctx.requireCitizen(request), enterprise, ENTERPRISE_SCOPES.consent);
    return { enterprise, consents: consentsOf(enterprise) };
  });

  app.get<{ Params: { enterprise: string } }>(gatewayRoutes.enterpriseCredit.url, { schema: gatewayRoutes.enterpriseCredit.schema }, async (request) => {
    const enterprise = request.params.enterprise.toLowerCase();
    await requireRepresentative(ctx, ctx.requireCitizen(request), enterprise, ENTERPRISE_SCOPES.credit);
    return { enterprise, ...(await fromChain(() => creditOf(enterprise as Hex))) };
  });

  /** Every entry on every list (published or not: the subject sees its own) and the repair applications for them. */
  async function creditOf(subject: Hex): Promise<EnterpriseTracker["credit"]> {
    if (!ctx.options.deployment.contracts.creditRegistry) return { entries: [], repairs: [] };
    const entries: EnterpriseTracker["credit"]["entries"] = await creditEntriesOn(ctx, subject, await getCreditLists(ctx.relay));
    const repairs: EnterpriseTracker["credit"]["repairs"] = [];
    for (const { entryId } of entries) {
      for (const r of await getCreditRepairs(ctx.relay, { entryId })) {
        repairs.push({
          repairId: r.repairId.toString(),
          entryId: r.entryId,
          evidenceHash: r.evidenceHash,
          applicant: r.applicant,
          status: r.status,
          filedAt: String(r.filedAt),
          decidedAt: String(r.decidedAt),
          decidedBy: r.decidedBy,
          decisionReason: r.decisionReason,
        });
      }
    }
    return { entries, repairs };
  }
};
