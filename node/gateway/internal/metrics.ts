import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export type GatewayMetrics = {
  registry: Registry;
  requests: Histogram<"method" | "route" | "status">;
  accesses: Counter<"kind" | "decision">;
  indexLag: Gauge;
};

/** A registry per app (not prom-client's global one), so several gateways can share a process. */
export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "imi_gateway_" });
  return {
    registry,
    requests: new Histogram({
      name: "imi_gateway_http_request_duration_seconds",
      help: "HTTP requests by route and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    accesses: new Counter({ name: "imi_gateway_accesses_total", help: "Access records written", labelNames: ["kind", "decision"], registers: [registry] }),
    indexLag: new Gauge({ name: "imi_gateway_index_lag_blocks", help: "Blocks between the chain head and the index", registers: [registry] }),
  };
}
