// Community trust (共享社区) through the gateway: an attester hands over the opening of a fact it
// attested (checked against the commitment on chain, kept in the resident's vault record), residents'
// signed shares and revocations are relayed, a neighbour views what is shared with her — decided by
// CommunityRegistry.checkView at the moment of asking and logged like every access — and the resident
// sees her facts, her shares and every view.
//
// Decisions are read from the chain, not the index (the index does not follow the CommunityRegistry),
// so a revocation counts from its block on. A chain or vault that cannot be read is a refusal (fail closed).
import type { FastifyPluginAsync } from "fastify";
import { ZeroHash } from "ethers";
import {
  COMMUNITY_FACTS,
  COMMUNITY_VIEW_PURPOSE,
  checkCommunityView,
  communityFactBits,
  communityFactCommitment,
  communityFactsOf,
  gatewayRoutes,
  getCommunityFact,
  getCommunityShare,
  getNonce,
  listCommunityShares,
  revokeCommunityShare,
  shareCommunityFacts,
  type Address,
  type CommunityFact,
  type Hex,
  type ShareRequestJson,
} from "@imi-ledger/sdk";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { relaySigned, authorizationOf, type AuthorizationBody } from "../internal/relaySigned.js";
import { GatewayError, unavailable } from "../errors.js";

/** Where a fact's opening lives: the resident's vault record, category "community", one field per topic. */
const CATEGORY = "community";
type Opening = { uid: string; value: boolean; salt: string };

function openingsOf(record: Record<string, Record<string, string | number | boolean>> | undefined): Map<CommunityFact, Opening> {
  const out = new Map<CommunityFact, Opening>();
  for (const fact of COMMUNITY_FACTS) {
    const field = record?.[CATEGORY]?.[fact];
    if (typeof field !== "string") continue;
    const [uid, value, salt] = field.split(":");
    if (uid && salt) out.set(fact, { uid: uid.toLowerCase(), value: value === "1", salt });
  }
  return out;
}

const nameOf = (record: Record<string, Record<string, string | number | boolean>> | undefined): string | undefined => {
  const name = record?.identity?.name;
  return typeof name === "string" ? name : undefined;
};

/**
 * What a view's record commits to as its request: the share and the viewing citizen. The resident's list
 * names the viewer only when this matches the share's neighbour; anyone else's attempt shows unnamed.
 */
const viewRequestHash = (ctx: GatewayContext, shareId: string, viewer: string) => ctx.responseHash({ method: "GET", path: `/v1/community/shares/${shareId.toLowerCase()}`, viewer: viewer.toLowerCase() });

export const communityRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { vault, accessLog } = ctx.options;
  const routes = gatewayRoutes;

  function requireCommunityRegistry(): void {
    if (!ctx.options.deployment.contracts.communityRegistry) throw unavailable("COMMUNITY_NOT_DEPLOYED", "This deployment has no CommunityRegistry.");
  }

  /** Chain reads: anything but a GatewayError is the chain failing, and nothing is answered. */
  async function chain<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw unavailable("CHAIN_UNAVAILABLE", "The chain could not be read; nothing is answered.", error);
    }
  }

  async function vaultGet(citizen: string, categories?: string[]) {
    try {
      return await vault.get(citizen.toLowerCase(), categories);
    } catch (error) {
      throw unavailable("VAULT_UNAVAILABLE", "The vault could not be read.", error);
    }
  }

  app.post<{ Body: { uid: Hex; fact: CommunityFact; value: boolean; salt: Hex } }>(routes.publishCommunityFact.url, { schema: routes.publishCommunityFact.schema }, async (request) => {
    requireCommunityRegistry();
    const { uid, fact, value, salt } = request.body;
    const onChain = await chain(() => getCommunityFact(ctx.relay, { uid }));
    if (onChain.issuedAt === 0n) throw new GatewayError("UNKNOWN_FACT", 404, "No fact with this id on chain.");
    // Only the true opening is kept: whoever holds it (the attester, the resident) may hand it over.
    if (communityFactCommitment({ resident: onChain.resident, fact, value, salt }).toLowerCase() !== onChain.commitment.toLowerCase())
      throw new GatewayError("COMMITMENT_MISMATCH", 422, "The topic, value and salt do not open the fact's commitment.");
    const resident = onChain.resident.toLowerCase();
    await ctx.grantLocks.run(`community:${resident}`, async () => {
      const record = (await vaultGet(resident)) ?? {};
      const next = { ...record, [CATEGORY]: { ...(record[CATEGORY] ?? {}), [fact]: `${uid.toLowerCase()}:${value ? 1 : 0}:${salt.toLowerCase()}` } };
      try {
        await vault.put(resident, next);
      } catch (error) {
        throw unavailable("VAULT_UNAVAILABLE", "The fact could not be stored.", error);
      }
    });
    request.log.info({ event: "community-fact-published", uid }, "community fact published");
    return { uid: uid.toLowerCase() as Hex, resident: resident as Hex, fact, status: "published" as const };
  });

  app.get<{ Params: { signer: Address } }>(routes.communityNonce.url, { schema: routes.communityNonce.schema }, async (request) => {
    requireCommunityRegistry();
    const nonce = await chain(() => getNonce(ctx.relay, { contract: "communityRegistry", signer: request.params.signer }));
    return { signer: request.params.signer, nonce: nonce.toString() };
  });

  app.post<{ Body: { request: ShareRequestJson; authorization: AuthorizationBody } }>(routes.shareCommunityFacts.url, { schema: routes.shareCommunityFacts.schema }, async (request) => {
    requireCommunityRegistry();
    const r = request.body.request;
    const out = await relaySigned(ctx, () => shareCommunityFacts(ctx.relay, { request: { ...r, validUntil: BigInt(r.validUntil) }, authorization: authorizationOf(request.body.authorization) }));
    request.log.info({ event: "community-relayed", action: "share", shareId: out.shareId, block: out.blockNumber }, "community share relayed");
    return { txHash: out.hash, blockNumber: out.blockNumber, shareId: out.shareId, status: "active" as const };
  });

  app.post<{ Params: { shareId: Hex }; Body: { authorization: AuthorizationBody } }>(routes.revokeCommunityShare.url, { schema: routes.revokeCommunityShare.schema }, async (request) => {
    requireCommunityRegistry();
    const { shareId } = request.params;
    const out = await relaySigned(ctx, () => revokeCommunityShare(ctx.relay, { shareId, authorization: authorizationOf(request.body.authorization) }));
    request.log.info({ event: "community-relayed", action: "revoke", shareId, block: out.blockNumber }, "community share relayed");
    return { txHash: out.hash, blockNumber: out.blockNumber, shareId: shareId.toLowerCase() as Hex, status: "revoked" as const };
  });

  app.get<{ Params: { shareId: Hex } }>(routes.viewCommunityShare.url, { schema: routes.viewCommunityShare.schema }, async (request, reply) => {
    requireCommunityRegistry();
    const session = ctx.requireCitizen(request);
    const viewer = session.citizen.toLowerCase();
    const shareId = request.params.shareId.toLowerCase() as Hex;
    const share = await chain(() => getCommunityShare(ctx.relay, { shareId }));
    if (share.grantedAt === 0n) throw new GatewayError("UNKNOWN_SHARE", 404, "No share with this id.");
    const resident = share.resident.toLowerCase();
    const requestHash = viewRequestHash(ctx, shareId, viewer);
    const base = { agency: session.account.toLowerCase(), citizen: resident, kind: "community" as const, purpose: COMMUNITY_VIEW_PURPOSE, grantId: shareId, basis: "consent" as const, requestHash };
    const refuse = async (status: number, code: string) => {
      const receipt = await ctx.record({ ...base, scopes: 0n, decision: "denied", reason: code, responseHash: ZeroHash });
      return reply.code(status).send({ code, message: "The view is refused; the refusal is logged.", receipt });
    };
    let shown: Array<{ fact: CommunityFact; value: boolean }>;
    let residentName: string | undefined;
    try {
      const [event] = await listCommunityShares(ctx.relay, { shareId });
      const uids = (event?.facts ?? []).map((u) => u.toLowerCase());
      const decisions = await Promise.all(uids.map((uid) => checkCommunityView(ctx.relay, { shareId, viewer: viewer as Hex, uid: uid as Hex })));
      const allowed = uids.filter((_, i) => decisions[i].allowed);
      if (allowed.length === 0) return refuse(403, decisions[0]?.code ?? "FACT_NOT_SHARED");
      const record = await vaultGet(resident, [CATEGORY, "identity"]);
      residentName = nameOf(record);
      const openings = openingsOf(record);
      shown = [];
      for (const [fact, o] of openings) if (allowed.includes(o.uid)) shown.push({ fact, value: o.value });
      if (shown.length === 0) return refuse(404, "FACT_NOT_PUBLISHED");
    } catch (error) {
      if (error instanceof GatewayError && error.statusCode !== 503) throw error;
      // Fail closed: the refusal is logged (when the log can take it), then 503.
      await ctx.record({ ...base, scopes: 0n, decision: "denied", reason: error instanceof GatewayError ? error.code : "CHAIN_UNAVAILABLE", responseHash: ZeroHash }).catch(() => undefined);
      if (error instanceof GatewayError) throw error;
      throw unavailable("CHAIN_UNAVAILABLE", "The chain could not be read; nothing is answered.", error);
    }
    const facts = shown.sort((a, b) => COMMUNITY_FACTS.indexOf(a.fact) - COMMUNITY_FACTS.indexOf(b.fact));
    const receipt = await ctx.record({ ...base, scopes: communityFactBits(facts.map((f) => f.fact)), decision: "allowed", reason: "ALLOWED", responseHash: ctx.responseHash({ shareId, facts }) });
    return { shareId, resident: resident as Hex, ...(residentName ? { residentName } : {}), validUntil: share.validUntil.toString(), facts, receipt };
  });

  app.get(routes.citizenCommunity.url, { schema: routes.citizenCommunity.schema }, async (request) => {
    requireCommunityRegistry();
    const session = ctx.requireCitizen(request);
    const me = session.citizen.toLowerCase();
    const now = ctx.ruleTime();
    const record = await vaultGet(me, [CATEGORY]);
    const openings = openingsOf(record);
    const factOfUid = new Map([...openings].map(([fact, o]) => [o.uid, { fact, value: o.value }]));
    return chain(async () => {
      const facts = [];
      for (const [fact, o] of openings) {
        const f = await getCommunityFact(ctx.relay, { uid: o.uid as Hex });
        const status = f.revokedAt !== 0n ? "revoked" : f.expiresAt !== 0n && now >= f.expiresAt ? "expired" : "valid";
        facts.push({ uid: o.uid as Hex, fact, value: o.value, issuedAt: f.issuedAt.toString(), expiresAt: f.expiresAt.toString(), status: status as "valid" | "revoked" | "expired" });
      }
      const statusOf = async (shareId: Hex) => {
        const s = await getCommunityShare(ctx.relay, { shareId });
        return s.revokedAt !== 0n ? ("revoked" as const) : now >= s.validUntil ? ("expired" as const) : ("active" as const);
      };
      const shared = [];
      for (const e of await listCommunityShares(ctx.relay, { resident: me as Hex })) {
        const names = e.facts.map((u) => factOfUid.get(u.toLowerCase())?.fact).filter((f): f is CommunityFact => f !== undefined);
        shared.push({ shareId: e.shareId, neighbour: e.neighbour, facts: names, validUntil: e.validUntil.toString(), status: await statusOf(e.shareId) });
      }
      const sharedWithMe = [];
      for (const e of await listCommunityShares(ctx.relay, { neighbour: me as Hex })) {
        // The resident chose to share with this neighbour: her registered name goes with it.
        const residentName = nameOf(await vaultGet(e.resident, ["identity"]));
        sharedWithMe.push({ shareId: e.shareId, resident: e.resident, ...(residentName ? { residentName } : {}), validUntil: e.validUntil.toString(), status: await statusOf(e.shareId) });
      }
      const neighbourOf = new Map(shared.map((s) => [s.shareId.toLowerCase(), s.neighbour]));
      const viewerNames = new Map<string, string | undefined>();
      const views = [];
      for (const r of await accessLog.query({ citizen: me, purpose: COMMUNITY_VIEW_PURPOSE, limit: 1000 })) {
        if (r.kind !== "community") continue;
        const neighbour = neighbourOf.get(r.grantId.toLowerCase());
        if (!neighbour) continue;
        const viewer = r.requestHash.toLowerCase() === viewRequestHash(ctx, r.grantId, neighbour).toLowerCase() ? neighbour : undefined;
        // Whoever looks at a resident's facts is named to her: that is the condition of looking.
        if (viewer && !viewerNames.has(viewer)) viewerNames.set(viewer, nameOf(await vaultGet(viewer, ["identity"])));
        const viewerName = viewer ? viewerNames.get(viewer) : undefined;
        const shownFacts = communityFactsOf(r.scopes).map((fact) => ({ fact, value: openings.get(fact)?.value ?? false }));
        views.push({ seq: r.seq, time: r.time, shareId: r.grantId as Hex, ...(viewer ? { viewer: viewer as Hex } : {}), ...(viewerName ? { viewerName } : {}), facts: shownFacts, decision: r.decision, reason: r.reason });
      }
      views.reverse();
      return { citizen: me as Hex, facts, shared, sharedWithMe, views };
    });
  });
};
