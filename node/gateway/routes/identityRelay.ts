// Relay of a citizen's signed identity actions (guardians, key rotation, cancelling a recovery), as
// consents are relayed: the controller's (or a guardian's) EIP-712 signature authorises the change,
// the gateway only pays for the transaction, so it can relay but never forge. The answer comes once
// the transaction is in a block and the index has it, so the next login or access already sees it.
import type { FastifyPluginAsync } from "fastify";
import { addGuardian, cancelRecovery, gatewayRoutes, removeGuardian, rotateKey, type Hex } from "@imi-ledger/sdk";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { relaySigned, authorizationOf as auth, type AuthorizationBody } from "../internal/relaySigned.js";

export const identityRelayRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  async function relay(citizen: Hex, action: string, send: () => Promise<{ hash: Hex }>) {
    const { hash, blockNumber } = await relaySigned(ctx, send);
    app.log.info({ event: "identity-relayed", action, block: blockNumber }, "identity action relayed");
    return { txHash: hash, blockNumber, citizen: citizen.toLowerCase() };
  }

  const { addGuardian: add, removeGuardian: remove, rotateKey: rotate, cancelRecovery: cancel } = gatewayRoutes;

  app.post<{ Params: { citizen: Hex }; Body: { guardian: Hex; scopes: string; expiresAt: string; authorization: AuthorizationBody } }>(add.url, { schema: add.schema }, async (request) => {
    const { citizen } = request.params;
    const b = request.body;
    return relay(citizen, "add-guardian", () =>
      addGuardian(ctx.relay, { citizen, guardian: b.guardian, scopes: BigInt(b.scopes), expiresAt: BigInt(b.expiresAt), authorization: auth(b.authorization) }),
    );
  });

  app.post<{ Params: { citizen: Hex; guardian: Hex }; Body: { authorization: AuthorizationBody } }>(remove.url, { schema: remove.schema }, async (request) => {
    const { citizen, guardian } = request.params;
    return relay(citizen, "remove-guardian", () => removeGuardian(ctx.relay, { citizen, guardian, authorization: auth(request.body.authorization) }));
  });

  app.post<{ Params: { citizen: Hex }; Body: { newController: Hex; authorization: AuthorizationBody } }>(rotate.url, { schema: rotate.schema }, async (request) => {
    const { citizen } = request.params;
    return relay(citizen, "rotate-key", () => rotateKey(ctx.relay, { citizen, newController: request.body.newController, authorization: auth(request.body.authorization) }));
  });

  app.post<{ Params: { citizen: Hex }; Body: { authorization: AuthorizationBody } }>(cancel.url, { schema: cancel.schema }, async (request) => {
    const { citizen } = request.params;
    return relay(citizen, "cancel-recovery", () => cancelRecovery(ctx.relay, { citizen, authorization: auth(request.body.authorization) }));
  });
};
