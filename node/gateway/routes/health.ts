import type { FastifyPluginAsync } from "fastify";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { GatewayError } from "../errors.js";
import { gatewayRoutes } from "@imi-ledger/sdk";
import { partStatuses, refusalCode } from "../internal/readiness.js";

/**
 * Liveness, readiness and Prometheus metrics. Ready means every part can write (access log, nonce
 * store, vault, index and, in a node, the embedded chain's storage), the chain is reachable and the
 * index caught up; not ready names the parts that are down and why.
 */
export const healthRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.get("/healthz", { schema: gatewayRoutes.health.schema, config: { rateLimit: false } }, async () => ({ status: "ok" }));

  app.get(
    "/readyz",
    { schema: gatewayRoutes.ready.schema, config: { rateLimit: false } },
    async (_request, reply) => {
      const s = ctx.options.indexer.status();
      ctx.metrics.indexLag.set(Math.max(0, s.headBlock - s.indexedBlock));
      const all = partStatuses(ctx);
      const down = all.filter((p) => !p.ready);
      if (down.length > 0) return reply.code(503).send({ code: refusalCode(down[0]), message: "Not ready: a part cannot write.", ready: false, parts: all });
      try {
        await ctx.catchUp();
        ctx.assertFresh();
      } catch (error) {
        const code = error instanceof GatewayError ? error.code : "NOT_READY";
        return reply.code(503).send({ code, message: "Not ready.", ready: false, parts: all });
      }
      return { ready: true, indexedBlock: s.indexedBlock, headBlock: s.headBlock, lagBlocks: s.headBlock - s.indexedBlock, parts: all };
    },
  );

  app.get("/metrics", { schema: gatewayRoutes.metrics.schema, config: { rateLimit: false } }, async (_request, reply) => {
    const s = ctx.options.indexer.status();
    ctx.metrics.indexLag.set(Math.max(0, s.headBlock - s.indexedBlock));
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
};
