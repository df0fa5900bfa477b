import type { FastifyPluginAsync } from "fastify";
import { verifyAgencyLogin, type AgencyLoginMessage } from "@imi-ledger/sdk";
import type { IdentityProofMessage } from "@imi-ledger/sdk";
import { identityProofSigner } from "../internal/identityProofSigner.js";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { badRequest, forbidden, unauthorized, unavailable, GatewayError } from "../errors.js";
import { gatewayRoutes } from "@imi-ledger/sdk";
import type { StaffRole } from "../internal/sessions.js";

/**
 * Staff sign an AgencyLogin (sdk/gateway/agencyLogin) with the key the chain knows them by; citizens
 * sign an IdentityProof over a login challenge with their controller (or guardian) key. Either way
 * the answer is a short-lived bearer token, so hot paths skip per-request signature checks.
 */
export const authRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { limits } = ctx.options;

  app.post(
    "/v1/auth/challenge",
    {
      schema: gatewayRoutes.loginChallenge.schema,
    },
    async () => ({ ...ctx.sessions.issueChallenge({ use: "login" }, limits.challengeTtlSeconds), audience: ctx.options.audience, gateway: ctx.options.account.address }),
  );

  app.post<{ Body: { message: AgencyLoginMessage; signature: `0x${string}` } }>(
    "/v1/auth/login",
    {
      schema: gatewayRoutes.staffLogin.schema,
    },
    async (request) => {
      await ctx.catchUp();
      ctx.assertFresh();
      const { message, signature: sig } = request.body;
      const verdict = verifyAgencyLogin({
        chainId: ctx.options.chainId,
        signed: { message, signature: sig },
        audience: ctx.options.audience,
        gateway: ctx.options.account.address,
        now: ctx.nowSeconds(),
        maxLifetimeSeconds: limits.maxSessionSeconds,
        maxSkewSeconds: limits.maxSkewSeconds,
      });
      if (!verdict.valid) {
        if (verdict.reason === "badSignature" || verdict.reason === "malformed") throw unauthorized("BAD_SIGNATURE", "The login signature does not verify.");
        if (verdict.reason === "wrongAudience") throw unauthorized("WRONG_AUDIENCE", "The login names another gateway (audience or gateway account).");
        if (verdict.reason === "tooLong") throw badRequest("SESSION_TOO_LONG", `Sessions last at most ${limits.maxSessionSeconds} s.`);
        throw unauthorized("STALE_LOGIN", "The login is expired or not yet valid.");
      }
      if (Number(message.issuedAt) < ctx.nowSeconds() - limits.maxSkewSeconds) throw unauthorized("STALE_LOGIN", "issuedAt is too old.");
      const rolesOf = () => (["agency", "registrar", "issuer", "auditor", "verifier", "department", "counter"] as StaffRole[]).filter((r) => ctx.hasRole(r, verdict.agency));
      let roles = rolesOf();
      if (roles.length === 0) {
        // A role granted a moment ago may be in a block the index has not read yet: catch up once.
        await ctx.options.indexer.sync().catch(() => undefined);
        roles = rolesOf();
      }
      if (roles.length === 0) throw forbidden("NO_ROLE", "The account holds no gateway role on chain.");
      let fresh: boolean;
      try {
        fresh = await ctx.options.nonces.claim(`login:${verdict.agency.toLowerCase()}:${message.nonce.toLowerCase()}`, Number(message.expiresAt));
      } catch (cause) {
        throw unavailable("NONCE_STORE_UNAVAILABLE", "The nonce store is unavailable.", cause);
      }
      if (!fresh) throw new GatewayError("NONCE_REUSED", 409, "This login was used before.");
      const expiresAt = Number(verdict.expiresAt);
      const token = ctx.sessions.open({ kind: "staff", account: verdict.agency.toLowerCase(), expiresAt });
      request.log.info({ event: "login", account: verdict.agency, roles }, "staff session opened");
      return { token, expiresAt, account: verdict.agency, roles };
    },
  );

  app.post<{ Body: { message: IdentityProofMessage; signature: `0x${string}` } }>(
    "/v1/auth/citizen-login",
    {
      schema: gatewayRoutes.citizenLogin.schema,
    },
    async (request) => {
      await ctx.catchUp();
      ctx.assertFresh();
      const { message, signature: sig } = request.body;
      if (message.audience !== ctx.options.audience) throw unauthorized("WRONG_AUDIENCE", "The proof names another verifier.");
      // A key by recovery, or an account (a passkey's) through ERC-1271 on chain.
      const signer = await identityProofSigner(ctx, message, sig);
      if (signer === undefined) throw unauthorized("BAD_SIGNATURE", "The proof signature does not verify.");
      const challenge = ctx.sessions.takeChallenge(message.challenge);
      if (!challenge || challenge.use !== "login") throw unauthorized("UNKNOWN_CHALLENGE", "The challenge is unknown, used or expired.");
      const check = ctx.options.indexer.checkIdentityKey(message.citizen, signer, 0n, ctx.ruleTime());
      if (!check) throw forbidden("UNKNOWN_CITIZEN", "No such identity.");
      if (!check.active) throw forbidden("IDENTITY_INACTIVE", "The identity is deactivated.");
      if (!check.isController && !check.isGuardian) throw forbidden("NOT_CONTROLLER", "The key neither controls nor guards this identity.");
      const expiresAt = ctx.nowSeconds() + limits.maxSessionSeconds;
      const token = ctx.sessions.open({ kind: "citizen", account: signer.toLowerCase(), citizen: check.citizen, asGuardian: !check.isController, expiresAt });
      return { token, expiresAt, account: signer, citizen: check.citizen, asGuardian: !check.isController, level: check.level };
    },
  );
};
