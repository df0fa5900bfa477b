import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { GatewayDeployment } from "../../gateway/schemas/operations.js";
import type { Address } from "../../types.js";

export type GetGatewayDeploymentReturnType = GatewayDeployment;

/** GET /v1/deployment: the gateway's chain id, contract addresses and its own account. */
export async function getGatewayDeployment(client: GatewayBaseClient): Promise<GetGatewayDeploymentReturnType> {
  return (await callGateway<GatewayDeployment>(client, { method: "GET", path: "/v1/deployment", what: "deployment" })).body;
}

/** The chain id and gateway account that signatures for this gateway bind to, read once per client. */
export function gatewayIdentity(client: GatewayBaseClient): Promise<{ chainId: number; gateway: Address }> {
  client.identity ??= getGatewayDeployment(client).then(
    (d) => ({ chainId: d.chainId, gateway: d.gateway }),
    (error: unknown) => {
      client.identity = undefined;
      throw error;
    },
  );
  return client.identity;
}
