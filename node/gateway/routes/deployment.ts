// Where this gateway's contracts are, so integrators can check receipts and consents on chain
// without being handed the deployment separately.
import type { FastifyPluginAsync } from "fastify";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { address } from "../schemas.js";

export const deploymentRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { deployment, account } = ctx.options;
  app.get(
    "/v1/deployment",
    {
      schema: {
        tags: ["operations"],
        summary: "The chain id, contract addresses and first block of this gateway's deployment, and the gateway's account",
        response: {
          200: {
            type: "object",
            properties: {
              chainId: { type: "integer" },
              fromBlock: { type: "integer" },
              gateway: address,
              contracts: { type: "object", additionalProperties: address },
            },
            required: ["chainId", "contracts", "gateway"],
          },
        },
      },
    },
    async () => ({ chainId: deployment.chainId, fromBlock: deployment.fromBlock ?? 0, gateway: account.address, contracts: deployment.contracts }),
  );
};
