import type { FastifyPluginAsync } from "fastify";
import { ZeroHash } from "ethers";
import {
  ENTERPRISE_SCOPES,
  enterpriseAuthorizes,
  getEnterprise,
  gatewayRoutes,
  isEnterpriseIdentityProof,
  type Address,
  type EnterpriseIdentityProofMessage,
  type Hex,
  type IdentityProofMessage,
} from "@imi-ledger/sdk";
import { identityProofSigner } from "../internal/identityProofSigner.js";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { hasEnterprises } from "../internal/enterpriseSubject.js";
import { GatewayError, badRequest, unavailable } from "../errors.js";

/**
 * Flow 5, "I am me" without an ID card: the agency fetches a challenge, the citizen's wallet signs an
 * IdentityProof over it (sdk/gateway/identityProof), the agency posts the proof. The answer says
 * whether the signer controls (or guards) that active identity now, and at which assurance level.
 * Each verification is an access record of kind "identity".
 *
 * A representative proves the same way that she acts for an enterprise (an EnterpriseIdentityProof:
 * the enterprise and the scopes beside her own identity). The gateway checks her key against the
 * index as for any citizen, then asks the EnterpriseRegistry now whether that key acts for the
 * enterprise within the scopes (registered enterprise; legal representative, or staff holding them,
 * not expired or removed). The access is recorded under the enterprise, so its representatives see it
 * in the enterprise's tracker.
 */
/**
 * Logs one identity check, allowed or refused, as an `identity` access under its subject (a
 * citizen, or the enterprise a representative proved she acts for), committing to the answer given.
 */
function recordIdentityCheck(ctx: GatewayContext, agency: string, subject: string, answer: { verified: boolean; reason: string }, requestHash: string) {
  return ctx.record({
    agency,
    citizen: subject,
    kind: "identity",
    scopes: 0n,
    purpose: ZeroHash,
    grantId: ZeroHash,
    basis: "none",
    decision: answer.verified ? "allowed" : "denied",
    reason: answer.reason,
    requestHash,
    responseHash: ctx.responseHash(answer),
  });
}

export const identityRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.post(
    "/v1/identity/challenge",
    {
      schema: gatewayRoutes.identityChallenge.schema,
    },
    async (request) => {
      const agency = ctx.requireStaff(request, "agency");
      return { ...ctx.sessions.issueChallenge({ use: "identity", agency }, ctx.options.limits.challengeTtlSeconds), audience: ctx.options.audience };
    },
  );

  app.post<{ Body: { message: IdentityProofMessage | EnterpriseIdentityProofMessage; signature: `0x${string}` } }>(
    "/v1/identity/verify",
    {
      schema: gatewayRoutes.identityVerify.schema,
    },
    async (request) => {
      await ctx.catchUp();
      ctx.assertFresh();
      const agency = ctx.requireStaff(request, "agency");
      const { message, signature: sig } = request.body;
      if (isEnterpriseIdentityProof(message)) return verifyForEnterprise(agency, message, sig);
      const requestHash = ctx.responseHash({ message, signature: sig });
      let reason = "IDENTITY_VERIFIED";
      let signer: string | undefined;
      let asGuardian = false;
      let level = 0;
      const challenge = ctx.sessions.takeChallenge(message.challenge);
      if (!challenge || challenge.use !== "identity" || challenge.agency !== agency) reason = "UNKNOWN_CHALLENGE";
      else if (message.audience !== ctx.options.audience) reason = "WRONG_AUDIENCE";
      else {
        // A key by recovery, or an account (a passkey's) through ERC-1271 on chain.
        signer = await identityProofSigner(ctx, message, sig);
        if (!signer) reason = "BAD_SIGNATURE";
        else {
          const check = ctx.options.indexer.checkIdentityKey(message.citizen, signer, 0n, ctx.ruleTime());
          if (!check) reason = "UNKNOWN_CITIZEN";
          else if (!check.active) reason = "IDENTITY_INACTIVE";
          else if (!check.isController && !check.isGuardian) reason = "NOT_CONTROLLER";
          else {
            asGuardian = !check.isController;
            level = check.level;
            reason = asGuardian ? "GUARDIAN_VERIFIED" : "IDENTITY_VERIFIED";
          }
        }
      }
      const verified = reason === "IDENTITY_VERIFIED" || reason === "GUARDIAN_VERIFIED";
      const answer = { verified, reason, citizen: message.citizen.toLowerCase(), ...(signer ? { signer } : {}), asGuardian, level };
      return { ...answer, receipt: await recordIdentityCheck(ctx, agency, message.citizen.toLowerCase(), answer, requestHash) };
    },
  );

  async function verifyForEnterprise(agency: string, message: EnterpriseIdentityProofMessage, sig: `0x${string}`) {
    if (!hasEnterprises(ctx)) throw unavailable("ENTERPRISES_NOT_DEPLOYED", "This deployment has no EnterpriseRegistry.");
    const scopes = BigInt(message.scopes);
    // Bad input changes nothing: the challenge stays unused.
    if ((scopes & ENTERPRISE_SCOPES.identity) === 0n) throw badRequest("INVALID_SCOPES", "An enterprise's identity proof always asks for the identity scope.");
    const enterprise = message.enterprise.toLowerCase();
    const requestHash = ctx.responseHash({ message, signature: sig });
    let reason = "ENTERPRISE_IDENTITY_VERIFIED";
    let signer: string | undefined;
    let level = 0;
    let asLegalRepresentative = false;
    const challenge = ctx.sessions.takeChallenge(message.challenge);
    if (!challenge || challenge.use !== "identity" || challenge.agency !== agency) reason = "UNKNOWN_CHALLENGE";
    else if (message.audience !== ctx.options.audience) reason = "WRONG_AUDIENCE";
    else {
      signer = await identityProofSigner(ctx, message, sig);
      const check = signer ? ctx.options.indexer.checkIdentityKey(message.citizen, signer, 0n, ctx.ruleTime()) : undefined;
      if (!signer) reason = "BAD_SIGNATURE";
      else if (!check) reason = "UNKNOWN_CITIZEN";
      else if (!check.active) reason = "IDENTITY_INACTIVE";
      // A guardian acts for its ward, never for the ward's enterprises.
      else if (!check.isController) reason = "NOT_CONTROLLER";
      else {
        level = check.level;
        try {
          const acts = await enterpriseAuthorizes(ctx.relay, { enterprise: enterprise as Hex, actor: signer as Address, scopes });
          if (acts.allowed && acts.citizen.toLowerCase() === message.citizen.toLowerCase()) asLegalRepresentative = acts.asLegalRepresentative;
          else reason = (await getEnterprise(ctx.relay, { enterprise: enterprise as Hex })).status === "active" ? "NOT_REPRESENTATIVE" : "ENTERPRISE_INACTIVE";
        } catch (error) {
          if (error instanceof GatewayError) throw error;
          // No answer from the chain is no proof: refused, and said so.
          throw unavailable("CHAIN_UNAVAILABLE", "The chain could not be read; the proof is not checked.", error);
        }
      }
    }
    const verified = reason === "ENTERPRISE_IDENTITY_VERIFIED";
    const answer = {
      verified,
      reason,
      citizen: message.citizen.toLowerCase(),
      ...(signer ? { signer } : {}),
      asGuardian: false,
      level,
      enterprise,
      scopes: scopes.toString(),
      asLegalRepresentative,
    };
    return { ...answer, receipt: await recordIdentityCheck(ctx, agency, enterprise, answer, requestHash) };
  }
};
