import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { Readiness } from "../../gateway/schemas/operations.js";

export type GetGatewayReadinessReturnType = Readiness;

/** GET /readyz: chain reachable and index caught up; a 503 (GatewayUnavailableError) names what is not ready. */
export async function getGatewayReadiness(client: GatewayBaseClient): Promise<GetGatewayReadinessReturnType> {
  return (await callGateway<Readiness>(client, { method: "GET", path: "/readyz", what: "readiness" })).body;
}
