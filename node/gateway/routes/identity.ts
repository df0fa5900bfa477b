import type { FastifyPluginAsync } from "fastify";
import { ZeroHash } from "ethers";
import type { IdentityProofMessage } from "@imi-ledger/sdk";
import { identityProofSigner } from "../internal/identityProofSigner.js";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { gatewayRoutes } from "@imi-ledger/sdk";

/**
 * Flow 5, "I am me" without an ID card: the agency fetches a challenge, the citizen's wallet signs an
 * IdentityProof over it (sdk/gateway/identityProof), the agency posts the proof. The answer says
 * whether the signer controls (or guards) that active identity now, and at which assurance level.
 * Each verification is an access record of kind "identity".
 */
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

  app.post<{ Body: { message: IdentityProofMessage; signature: `0x${string}` } }>(
    "/v1/identity/verify",
    {
      schema: gatewayRoutes.identityVerify.schema,
    },
    async (request) => {
      await ctx.catchUp();
      ctx.assertFresh();
      const agency = ctx.requireStaff(request, "agency");
      const { message, signature: sig } = request.body;
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
      const r = await ctx.record({
        agency,
        citizen: message.citizen.toLowerCase(),
        kind: "identity",
        scopes: 0n,
        purpose: ZeroHash,
        grantId: ZeroHash,
        basis: "none",
        decision: verified ? "allowed" : "denied",
        reason,
        requestHash,
        responseHash: ctx.responseHash(answer),
      });
      return { ...answer, receipt: r };
    },
  );
};
