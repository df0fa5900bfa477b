import type { FastifyPluginAsync } from "fastify";
import { grantConsent } from "@imi-ledger/sdk";
import { pauseConsent } from "@imi-ledger/sdk";
import { resumeConsent } from "@imi-ledger/sdk";
import { revokeConsent } from "@imi-ledger/sdk";
import { confirmConsent } from "@imi-ledger/sdk";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { relaySigned, authorizationOf, type AuthorizationBody } from "../internal/relaySigned.js";
import { CONSENT_CHANGE_RELAY_GAS, GRANT_RELAY_GAS } from "../internal/relayGas.js";
import { gatewayRoutes } from "@imi-ledger/sdk";


/**
 * Consent relay (flow 2): the citizen's or guardian's EIP-712 signature authorizes the change; the
 * gateway only pays for the transaction, so it can relay but never forge. The answer comes once
 * the transaction is in a block and the index reflects it, so the next access already sees it.
 */
export const consentRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const relay = <T extends { hash: string }>(send: () => Promise<T>) => relaySigned(ctx, send);
  const auth = authorizationOf;

  app.post<{ Body: { request: { citizen: `0x${string}`; agency: `0x${string}`; scopes: string; purpose: `0x${string}`; validFrom: string; validUntil: string; maxUses?: number }; authorization: AuthorizationBody } }>(
    "/v1/consents",
    {
      schema: gatewayRoutes.grantConsent.schema,
    },
    async (request) => {
      const { request: r, authorization: a } = request.body;
      const out = await relay(() => grantConsent(ctx.relay, { request: { ...r, scopes: BigInt(r.scopes), maxUses: r.maxUses ?? 0 }, authorization: auth(a), gas: GRANT_RELAY_GAS }));
      request.log.info({ event: "consent-relayed", action: "grant", consentId: out.consentId, block: out.blockNumber }, "consent relayed");
      return { txHash: out.hash, blockNumber: out.blockNumber, consentId: out.consentId, status: "active" };
    },
  );

  // confirm: the citizen's own key keeps a guardian's grant standing after the guardianship ends.
  const confirm = async (...a: Parameters<typeof confirmConsent>) => ({ hash: (await confirmConsent(...a)).hash, status: "confirmed" });
  const change = { revoke: revokeConsent, pause: pauseConsent, resume: resumeConsent, confirm } as const;
  const changeRoutes = { revoke: gatewayRoutes.revokeConsent, pause: gatewayRoutes.pauseConsent, resume: gatewayRoutes.resumeConsent, confirm: gatewayRoutes.confirmConsent } as const;
  for (const [action, fn] of Object.entries(change)) {
    app.post<{ Params: { consentId: `0x${string}` }; Body: { authorization: AuthorizationBody } }>(
      `/v1/consents/:consentId/${action}`,
      {
        schema: changeRoutes[action as keyof typeof change].schema,
      },
      async (request) => {
        const consentId = request.params.consentId;
        const out = await relay(() => fn(ctx.relay, { consentId, authorization: auth(request.body.authorization), gas: CONSENT_CHANGE_RELAY_GAS }));
        request.log.info({ event: "consent-relayed", action, consentId, block: out.blockNumber }, "consent relayed");
        return { txHash: out.hash, blockNumber: out.blockNumber, consentId, status: out.status };
      },
    );
  }
};
