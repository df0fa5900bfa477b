// Guardianship for the web app: the signed-in identity's active guardians, and the wards of the
// signed-in key (a guardian then logs in with the ward's id and acts within the guardian's scopes,
// which the consent and identity checks enforce). Read from the index.
import type { FastifyPluginAsync } from "fastify";
import { gatewayRoutes } from "@imi-ledger/sdk";
import type { GatewayContext } from "../internal/GatewayContext.js";

export const guardianshipRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { indexer } = ctx.options;
  app.get("/v1/citizen/guardianship", { schema: gatewayRoutes.citizenGuardianship.schema }, async (request) => {
    const s = ctx.requireCitizen(request);
    const now = ctx.ruleTime();
    const guardians = indexer.guardiansOf(s.citizen, now).map((g) => ({ guardian: g.guardian, scopes: g.scopes.toString(), expiresAt: g.expiresAt.toString() }));
    const wards = indexer.wardsOf(s.account, now).map((citizen) => {
      const g = indexer.guardian(citizen, s.account)!;
      return { citizen, scopes: g.scopes.toString(), expiresAt: g.expiresAt.toString() };
    });
    return { citizen: s.citizen, account: s.account, asGuardian: s.asGuardian, guardians, wards };
  });
};
