import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";

export type GetGatewayMetricsReturnType = string;

/** GET /metrics: the gateway's Prometheus metrics, as text. */
export async function getGatewayMetrics(client: GatewayBaseClient): Promise<GetGatewayMetricsReturnType> {
  return (await callGateway<string>(client, { method: "GET", path: "/metrics", what: "metrics", text: true })).body;
}
