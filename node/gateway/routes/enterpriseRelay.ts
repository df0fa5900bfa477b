// Relay of signed enterprise and credit actions (the legal representative appoints staff; a subject
// or its representative applies for credit repair), as citizens' identity actions are relayed: the
// signature authorises, the contract checks who signed, the gateway only pays for the transaction.
import type { FastifyPluginAsync } from "fastify";
import { appointStaff, applyForCreditRepair, gatewayRoutes, removeStaff, type Hex } from "@imi-ledger/sdk";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { relaySigned, authorizationOf as auth, type AuthorizationBody } from "../internal/relaySigned.js";

export const enterpriseRelayRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { appointStaff: appoint, applyRepair } = gatewayRoutes;

  app.post<{ Params: { enterprise: Hex }; Body: { staff: Hex; scopes: string; expiresAt: string; authorization: AuthorizationBody } }>(appoint.url, { schema: appoint.schema }, async (request) => {
    const { enterprise } = request.params;
    const b = request.body;
    const { hash, blockNumber } = await relaySigned(ctx, () =>
      appointStaff(ctx.relay, { enterprise, staff: b.staff, scopes: BigInt(b.scopes), expiresAt: BigInt(b.expiresAt), authorization: auth(b.authorization) }),
    );
    app.log.info({ event: "enterprise-relayed", action: "appoint-staff", block: blockNumber }, "enterprise action relayed");
    return { txHash: hash, blockNumber, enterprise: enterprise.toLowerCase() };
  });

  app.post<{ Params: { enterprise: Hex; staff: Hex }; Body: { authorization: AuthorizationBody } }>(gatewayRoutes.removeStaff.url, { schema: gatewayRoutes.removeStaff.schema }, async (request) => {
    const { enterprise, staff } = request.params;
    const { hash, blockNumber } = await relaySigned(ctx, () => removeStaff(ctx.relay, { enterprise, staff, authorization: auth(request.body.authorization) }));
    app.log.info({ event: "enterprise-relayed", action: "remove-staff", block: blockNumber }, "enterprise action relayed");
    return { txHash: hash, blockNumber, enterprise: enterprise.toLowerCase() };
  });

  app.post<{ Body: { entryId: Hex; evidenceHash: Hex; authorization: AuthorizationBody } }>(applyRepair.url, { schema: applyRepair.schema }, async (request) => {
    const b = request.body;
    const { hash, blockNumber, repairId } = await relaySigned(ctx, () => applyForCreditRepair(ctx.relay, { entryId: b.entryId, evidenceHash: b.evidenceHash, authorization: auth(b.authorization) }));
    app.log.info({ event: "enterprise-relayed", action: "apply-for-repair", block: blockNumber }, "credit repair application relayed");
    return { txHash: hash, blockNumber, entryId: b.entryId.toLowerCase(), repairId: repairId.toString() };
  });
};
