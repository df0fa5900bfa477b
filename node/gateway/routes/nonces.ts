// A signer's current nonces at the contracts that take signed actions. A browser that signs a
// consent change (or a recovery cancel) has no JSON-RPC of its own: the web app allows connections
// to this origin only. Nonces are public on chain; this only reads them, and fails closed (503).
import type { FastifyPluginAsync } from "fastify";
import { getNonce } from "@imi-ledger/sdk";
import type { Address } from "@imi-ledger/sdk";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { unavailable } from "../errors.js";
import { gatewayRoutes } from "@imi-ledger/sdk";

export const nonceRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.get<{ Params: { signer: Address } }>(
    "/v1/signers/:signer/nonces",
    {
      schema: gatewayRoutes.signerNonces.schema,
    },
    async (request) => {
      const signer = request.params.signer;
      try {
        const { enterpriseRegistry, creditRegistry } = ctx.options.deployment.contracts;
        const [consentRegistry, identityRegistry, enterprise, credit] = await Promise.all([
          getNonce(ctx.relay, { contract: "consentRegistry", signer }),
          getNonce(ctx.relay, { contract: "identityRegistry", signer }),
          enterpriseRegistry ? getNonce(ctx.relay, { contract: "enterpriseRegistry", signer }) : undefined,
          creditRegistry ? getNonce(ctx.relay, { contract: "creditRegistry", signer }) : undefined,
        ]);
        return {
          signer,
          consentRegistry: consentRegistry.toString(),
          identityRegistry: identityRegistry.toString(),
          ...(enterprise !== undefined && { enterpriseRegistry: enterprise.toString() }),
          ...(credit !== undefined && { creditRegistry: credit.toString() }),
        };
      } catch (cause) {
        throw unavailable("CHAIN_UNAVAILABLE", "The nonces could not be read from the chain.", cause);
      }
    },
  );
};
