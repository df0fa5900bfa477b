// Whether a key recovery is pending on the signed-in citizen's identity. That is the one moment a
// stolen registrar key could take an identity over, so the web app puts it first, with "cancel"
// (the cancel itself is the citizen's signed CancelRecovery, relayed by identityRelay.ts). Read
// from the chain, not the index (the index does not follow recoveries); fails closed with 503.
import type { FastifyPluginAsync } from "fastify";
import { gatewayRoutes, getRecovery } from "@imi-ledger/sdk";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { unavailable } from "../errors.js";

export const citizenRecoveryRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.get("/v1/citizen/recovery", { schema: gatewayRoutes.citizenRecovery.schema }, async (request) => {
    const { citizen } = ctx.requireCitizen(request);
    let recovery: Awaited<ReturnType<typeof getRecovery>>;
    try {
      recovery = await getRecovery(ctx.relay, { citizen: citizen as `0x${string}` });
    } catch (cause) {
      throw unavailable("CHAIN_UNAVAILABLE", "The identity's recovery state could not be read from the chain.", cause);
    }
    if (!recovery) return { citizen, pending: false };
    return { citizen, pending: true, newController: recovery.newController, registrar: recovery.registrar, executableAt: recovery.executableAt.toString() };
  });
};
