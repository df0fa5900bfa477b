import type { FastifyPluginAsync } from "fastify";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { GatewayError } from "../errors.js";
import { errorBody } from "../schemas.js";

/** Liveness, readiness (chain reachable and index caught up) and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.get("/healthz", { schema: { tags: ["operations"], response: { 200: { type: "object", properties: { status: { type: "string" } }, required: ["status"] } } }, config: { rateLimit: false } }, async () => ({ status: "ok" }));

  const readyBody = {
    type: "object",
    properties: { ready: { type: "boolean" }, indexedBlock: { type: "integer" }, headBlock: { type: "integer" }, lagBlocks: { type: "integer" } },
    required: ["ready", "indexedBlock", "headBlock", "lagBlocks"],
  } as const;
  app.get(
    "/readyz",
    { schema: { tags: ["operations"], response: { 200: readyBody, 503: errorBody } }, config: { rateLimit: false } },
    async (_request, reply) => {
      const s = ctx.options.indexer.status();
      ctx.metrics.indexLag.set(Math.max(0, s.headBlock - s.indexedBlock));
      try {
        await ctx.catchUp();
        ctx.assertFresh();
      } catch (error) {
        const code = error instanceof GatewayError ? error.code : "NOT_READY";
        return reply.code(503).send({ code, message: "Not ready." });
      }
      return { ready: true, indexedBlock: s.indexedBlock, headBlock: s.headBlock, lagBlocks: s.headBlock - s.indexedBlock };
    },
  );

  app.get("/metrics", { schema: { tags: ["operations"], hide: false, response: { 200: { type: "string" } } }, config: { rateLimit: false } }, async (_request, reply) => {
    const s = ctx.options.indexer.status();
    ctx.metrics.indexLag.set(Math.max(0, s.headBlock - s.indexedBlock));
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
};
