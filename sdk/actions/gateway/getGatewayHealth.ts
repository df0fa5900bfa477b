import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";

export type GetGatewayHealthReturnType = { status: string };

/** GET /healthz: the process is up. */
export async function getGatewayHealth(client: GatewayBaseClient): Promise<GetGatewayHealthReturnType> {
  return (await callGateway<GetGatewayHealthReturnType>(client, { method: "GET", path: "/healthz", what: "health" })).body;
}
