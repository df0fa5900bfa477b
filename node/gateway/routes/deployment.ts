// Where this gateway's contracts are, so integrators can check receipts and consents on chain
// without being handed the deployment separately.
import type { FastifyPluginAsync } from "fastify";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { gatewayRoutes } from "@imi-ledger/sdk";

export const deploymentRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { deployment, account } = ctx.options;
  app.get(
    "/v1/deployment",
    {
      schema: gatewayRoutes.deployment.schema,
    },
    async () => ({ chainId: deployment.chainId, fromBlock: deployment.fromBlock ?? 0, gateway: account.address, contracts: deployment.contracts }),
  );
};
