import type { FastifyPluginAsync } from "fastify";
import type { GatewayContext } from "../internal/GatewayContext.js";
import type { ConsentView, StatutoryView } from "../../indexer/index.js";
import { LAPSE_CODES, type Lapse } from "../../indexer/decisions.js";
import { gatewayRoutes } from "@imi-ledger/sdk";
import { recordJson } from "../schemas.js";
import { consentPage, consentPageFrom } from "../internal/consentPage.js";

const STATUS = ["none", "active", "paused", "revoked"] as const;

/** `lapse`: the index's ConsentRegistry.lapseOf now; a lapsed grant that is not revoked shows as "lapsed" with the reason. */
const consentJson = (c: ConsentView, lapse: Lapse) => {
  const lapseReason = c.status !== 3 ? LAPSE_CODES[lapse] : undefined;
  return { ...c, scopes: c.scopes.toString(), validFrom: c.validFrom.toString(), validUntil: c.validUntil.toString(), status: lapseReason ? "lapsed" : STATUS[c.status], ...(lapseReason ? { lapseReason } : {}) };
};
/** A statutory grant as the subject sees it (the citizen's consents page, the enterprise's tracker). */
export const statutoryJson = (s: StatutoryView) => ({ ...s, scopes: s.scopes.toString(), validFrom: s.validFrom.toString(), validUntil: s.validUntil.toString(), anyCitizen: /^0x0{64}$/.test(s.citizen) });

type Paging = { afterSeq?: string; limit?: string };
type ConsentPaging = { limit?: string; cursor?: string };
const pageOf = (q: Paging) => ({ afterSeq: q.afterSeq === undefined ? undefined : Number(q.afterSeq), limit: q.limit === undefined ? 100 : Math.min(Number(q.limit), 1000) });

/** What a citizen sees of themselves, and what an auditor sees of everyone. */
export const recordRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { indexer, accessLog } = ctx.options;
  const proofStatus = (seq: number) => {
    const batch = accessLog.batchOf(seq);
    if (!batch) return { status: "unbatched" as const };
    return { status: batch.status, batch: batch.index, root: batch.root, txHash: batch.txHash, blockNumber: batch.blockNumber };
  };
  const consentOut = (c: ConsentView) => consentJson(c, indexer.consentLapse(c, ctx.ruleTime()));
  const withLegalBasis = <T extends { basis: string; grantId: string }>(r: T) => {
    const legalBasis = r.basis === "statutory" ? indexer.statutoryGrant(r.grantId)?.legalBasis : undefined;
    return legalBasis ? { ...r, legalBasis } : r;
  };

  app.get<{ Querystring: ConsentPaging }>(
    "/v1/citizen/consents",
    {
      schema: gatewayRoutes.citizenConsents.schema,
    },
    async (request) => {
      const s = ctx.requireCitizen(request);
      const page = consentPage(indexer.consentsOfCitizen(s.citizen), request.query);
      return { citizen: s.citizen, consents: page.consents.map(consentOut), statutory: indexer.statutoryForCitizen(s.citizen).map(statutoryJson), next: page.next };
    },
  );

  app.get<{ Querystring: Paging }>(
    "/v1/citizen/accesses",
    {
      schema: gatewayRoutes.citizenAccesses.schema,
    },
    async (request) => {
      const s = ctx.requireCitizen(request);
      const records = await accessLog.query({ citizen: s.citizen, ...pageOf(request.query) });
      // A statutory access may be held back from the citizen for a configured time (a covert
      // investigation); it is logged and anchored from the start, and shown once the delay is over.
      const visibleFrom = ctx.options.now() - ctx.options.limits.statutoryDisclosureDelaySeconds * 1000;
      return {
        records: records
          .filter((r) => r.basis !== "statutory" || r.time <= visibleFrom)
          .map((r) => ({ ...withLegalBasis(recordJson(r)), proof: proofStatus(r.seq) })),
      };
    },
  );

  app.get<{ Querystring: ConsentPaging }>(
    "/v1/agency/consents",
    {
      schema: gatewayRoutes.agencyConsents.schema,
    },
    async (request) => {
      const agency = ctx.requireStaff(request, "agency");
      const page = await consentPageFrom((limit, after) => indexer.consentsOfAgencyPage(agency, limit, after), request.query);
      return { agency, consents: page.consents.map(consentOut), next: page.next };
    },
  );

  app.get<{ Querystring: Paging & { citizen?: string; agency?: string; purpose?: string; fromTime?: string; toTime?: string } }>(
    "/v1/audit/accesses",
    {
      schema: gatewayRoutes.auditAccesses.schema,
    },
    async (request) => {
      const auditor = ctx.requireStaff(request, "auditor");
      const q = request.query;
      const records = await accessLog.query({
        ...pageOf(q),
        citizen: q.citizen,
        agency: q.agency,
        purpose: q.purpose,
        fromTime: q.fromTime === undefined ? undefined : Number(q.fromTime),
        toTime: q.toTime === undefined ? undefined : Number(q.toTime),
      });
      request.log.info({ event: "audit-query", auditor, results: records.length }, "audit query");
      return { records: records.map((r) => withLegalBasis(recordJson(r))) };
    },
  );
};
