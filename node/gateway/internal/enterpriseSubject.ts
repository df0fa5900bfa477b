// Enterprises as the subject of an access: the same consent and statutory rules as for citizens
// (ConsentRegistry.check treats an active enterprise as an active subject), with "is the subject an
// active enterprise?" read from the chain. The index follows identities, not the EnterpriseRegistry,
// so the gateway asks the chain once per enterprise access; citizens' accesses pay nothing for it
// (the enterprise path is taken only when the index knows no such citizen).
import { enterpriseAuthorizes, getEnterprise, type Address, type Hex } from "@imi-ledger/sdk";
import { ConsentStatus, DECISION_CODES, Decision, decide, type AccessDecision } from "../../indexer/index.js";
import type { AccessTerms, GatewayContext } from "./GatewayContext.js";
import { GatewayError, forbidden, unavailable } from "../errors.js";

const ZERO32 = /^0x0{64}$/;

/** Whether the deployment has an EnterpriseRegistry the gateway can ask. */
export function hasEnterprises(ctx: GatewayContext): boolean {
  return !!ctx.options.deployment.contracts.enterpriseRegistry;
}

/**
 * ConsentRegistry.check for a subject the index does not know as a citizen: the grant's terms from the
 * index, the subject's standing from the EnterpriseRegistry. Throws the chain's error when the chain
 * cannot be read: the caller logs the refusal and answers 503 (fail closed).
 */
export async function checkEnterpriseAccess(ctx: GatewayContext, grantId: string, agency: string, terms: AccessTerms): Promise<AccessDecision> {
  const { indexer } = ctx.options;
  const now = ctx.ruleTime();
  const consent = indexer.consent(grantId);
  const statutory = consent ? undefined : indexer.statutoryGrant(grantId);
  if (!consent && !statutory) return { basis: "none", maxUses: 0, decision: Decision.UnknownGrant };
  const active = hasEnterprises(ctx) && (await enterpriseActive(ctx, terms.citizen));
  const common = { agency, scopes: terms.scopes, purpose: terms.purpose, citizenActive: active, agencyAuthorized: indexer.hasRole(3n, agency, now), now };
  if (consent) {
    let decision = decide({ ...common, terms: consent, citizenMatches: consent.citizen === terms.citizen, status: consent.status });
    // As ConsentRegistry.check: the lapse last (an enterprise's consents are never a guardian's, so none).
    if (decision === Decision.Allowed && indexer.consentLapse(consent, now) !== 0) decision = Decision.GuardianLapsed;
    return { basis: "consent", maxUses: consent.maxUses, decision };
  }
  const st = statutory!;
  const decision = decide({
    ...common,
    terms: st,
    citizenMatches: ZERO32.test(st.citizen) || st.citizen === terms.citizen,
    status: st.revoked ? ConsentStatus.Revoked : ConsentStatus.Active,
  });
  return { basis: "statutory", maxUses: 0, decision };
}

async function enterpriseActive(ctx: GatewayContext, subject: string): Promise<boolean> {
  return (await getEnterprise(ctx.relay, { enterprise: subject as Hex })).status === "active";
}

/**
 * The index's decision, or for a subject the index knows as no citizen, the enterprise decision.
 * `grantId` zero means the latest consent for (subject, agency, purpose), as mayAccess.
 */
export async function decideSubjectAccess(ctx: GatewayContext, agency: string, terms: AccessTerms): Promise<AccessDecision & { grantId: string; reason: string }> {
  const { indexer } = ctx.options;
  const grantId = ZERO32.test(terms.grantId) ? indexer.latestConsent(terms.citizen, agency, terms.purpose) : terms.grantId.toLowerCase();
  let d = indexer.checkAccess(grantId, agency, terms.citizen, terms.scopes, terms.purpose, ctx.ruleTime());
  if (d.decision === Decision.CitizenInactive && !indexer.identity(terms.citizen)) d = await checkEnterpriseAccess(ctx, grantId, agency, terms);
  return { ...d, grantId, reason: DECISION_CODES[d.decision] };
}

/**
 * The representative behind a citizen session may act for `enterprise` within `scopes` (ENTERPRISE_SCOPES
 * bits): the session's key is the current key of the legal representative, or of staff covering them.
 * Read from the chain at each request, so a removed or expired appointment ends access at once. A
 * guardian's session acts for its ward, never for the ward's enterprises.
 */
export async function requireRepresentative(ctx: GatewayContext, session: { account: string; citizen: string; asGuardian: boolean }, enterprise: string, scopes: bigint): Promise<{ citizen: string; asLegalRepresentative: boolean }> {
  if (!hasEnterprises(ctx)) throw unavailable("ENTERPRISES_NOT_DEPLOYED", "This deployment has no EnterpriseRegistry.");
  if (session.asGuardian) throw forbidden("NOT_REPRESENTATIVE", "A guardian's session does not act for enterprises.");
  let verdict: Awaited<ReturnType<typeof enterpriseAuthorizes>>;
  try {
    verdict = await enterpriseAuthorizes(ctx.relay, { enterprise: enterprise as Hex, actor: session.account as Address, scopes });
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw unavailable("CHAIN_UNAVAILABLE", "The chain could not be read; nothing is shown.", error);
  }
  if (!verdict.allowed || verdict.citizen.toLowerCase() !== session.citizen.toLowerCase())
    throw forbidden("NOT_REPRESENTATIVE", "This key does not act for the enterprise within that scope.");
  return { citizen: verdict.citizen.toLowerCase(), asLegalRepresentative: verdict.asLegalRepresentative };
}
