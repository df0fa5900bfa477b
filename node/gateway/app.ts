import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from "fastify";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { resolveGatewayOptions, type GatewayOptions } from "./config.js";
import { GatewayContext } from "./internal/GatewayContext.js";
import { createMetrics } from "./internal/metrics.js";
import { initFastCrypto } from "./internal/fastTypedData.js";
import { lazySchemas, type LazySchemas } from "./internal/lazySchemas.js";
import { errorHandlerPlugin } from "./plugins/errorHandler.js";
import { accessRoutes } from "./routes/access.js";
import { creditRoutes } from "./routes/credit.js";
import { communityRoutes } from "./routes/community.js";
import { enterpriseRelayRoutes } from "./routes/enterpriseRelay.js";
import { enterpriseRoutes } from "./routes/enterprises.js";
import { authRoutes } from "./routes/auth.js";
import { consentRoutes } from "./routes/consents.js";
import { credentialRoutes } from "./routes/credentials.js";
import { healthRoutes } from "./routes/health.js";
import { identityRoutes } from "./routes/identity.js";
import { recordRoutes } from "./routes/records.js";
import { erasureRoute, registrarRoutes } from "./routes/registrar.js";
import { traceRoutes } from "./routes/trace.js";
import { deploymentRoutes } from "./routes/deployment.js";
import { identityRelayRoutes } from "./routes/identityRelay.js";
import { directoryRoutes } from "./routes/directory.js";
import { nonceRoutes } from "./routes/nonces.js";
import { citizenRecoveryRoutes } from "./routes/citizenRecovery.js";
import { guardianshipRoutes } from "./routes/guardianship.js";
import { citizenServicesRoutes } from "./routes/citizenServices.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { oneCodeRoutes } from "./routes/oneCode.js";
import { staffDeskRoutes } from "./routes/staffDesk.js";
import { approvalRoutes } from "./routes/approvals.js";
import { webAppPlugin } from "./plugins/webApp.js";

declare module "fastify" {
  interface FastifyInstance {
    imi: GatewayContext;
    /** The routes' schemas, compiled on first use (internal/lazySchemas.ts). */
    imiSchemas: LazySchemas;
  }
}

const requestSerializer = (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, path: req.url.split("?")[0] });

/**
 * Builds the gateway (routes, schemas, OpenAPI, metrics, rate limits) over already-open parts:
 * index, vault, access log, nonce store. It never listens; server.ts does.
 */
export async function buildApp(options: GatewayOptions): Promise<FastifyInstance> {
  const resolved = resolveGatewayOptions(options);
  await initFastCrypto();
  const { limits } = resolved;
  const schemas = lazySchemas();
  const app = Fastify({
    schemaController: { compilersFactory: schemas.compilersFactory },
    logger:
      options.logger === undefined || options.logger === true
        ? {
            level: "info",
            // Request lines carry no query string (citizen ids in audit filters) and no credentials.
            serializers: { req: requestSerializer },
          }
        : options.logger === false
          ? false
          : undefined,
    ...(typeof options.logger === "object" ? { loggerInstance: options.logger.child({}, { serializers: { req: requestSerializer } }) } : {}),
    bodyLimit: limits.bodyLimitBytes,
    // Idle and slow sockets are closed rather than held: with no limits Node keeps an idle socket
    // for minutes and a request trickling in headers (slowloris) for as long as it trickles.
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Node checks the headers and request timeouts on this interval (default 30 s): a tenth of the
    // shortest of them, at least 100 ms, so a slow request is cut near its limit.
    http: {
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(100, Math.floor(Math.min(limits.headersTimeoutMs || 30_000, limits.requestTimeoutMs || 30_000) / 10)),
    },
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    // Unknown fields are refused, not stripped; nothing is coerced: "18" is not 18.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    // Rate limits key unauthenticated callers by address: only trust forwarding headers when told to.
    trustProxy: options.trustProxy ?? false,
    // One line per request, written below when it completes, instead of Fastify's two (incoming,
    // completed): half the log volume on the access path, and it names the route pattern, not the
    // path, which carries citizen ids on some routes.
    logController: new LogController({ disableRequestLogging: true }),
  });
  // Past this many open sockets Node closes new connections as they arrive.
  app.server.maxConnections = limits.maxConnections;
  const metrics = createMetrics();
  const ctx = new GatewayContext(resolved, metrics);
  app.decorate("imi", ctx);
  app.decorate("imiSchemas", schemas);

  // Keep the exact body bytes: a signed request covers their hash.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    request.rawBody = body as string;
    parseJson(request, body as string, done);
  });

  // A callback hook, not an async one: no promise per request for synchronous bookkeeping.
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "unknown";
    metrics.requests.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, "request completed");
    done();
  });

  await app.register(errorHandlerPlugin);
  await app.register(rateLimit, {
    global: true,
    max: limits.rateLimitPerMinute,
    timeWindow: 60_000,
    // Per caller: the authenticated agency or staff account in both modes (a session, or a signed
    // request verified before it is counted), else the client address (GatewayContext.rateKey).
    keyGenerator: (request) => ctx.rateKey(request as FastifyRequest),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: "IMI gateway", version: "1", description: "Authorized, logged access to citizen data; identity and credential checks; consent relay." },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "Token from POST /v1/auth/login or /v1/auth/citizen-login" },
          signedRequest: { type: "apiKey", in: "header", name: "x-imi-signature", description: "EIP-712 AgencyRequest signature; the message in x-imi-request" },
        },
      },
    },
  });
  if (options.docs !== false) await app.register(swaggerUi, { routePrefix: "/docs" });

  for (const routes of [healthRoutes, authRoutes, accessRoutes, identityRoutes, credentialRoutes, consentRoutes, recordRoutes, registrarRoutes, erasureRoute, traceRoutes, deploymentRoutes])
    await app.register(routes, { ctx });
  await app.register(identityRelayRoutes, { ctx });
  await app.register(directoryRoutes, { ctx });
  await app.register(creditRoutes, { ctx });
  await app.register(enterpriseRelayRoutes, { ctx });
  await app.register(enterpriseRoutes, { ctx });
  await app.register(communityRoutes, { ctx });
  await app.register(nonceRoutes, { ctx });
  await app.register(citizenRecoveryRoutes, { ctx });
  await app.register(guardianshipRoutes, { ctx });
  await app.register(citizenServicesRoutes, { ctx });
  await app.register(webhookRoutes, { ctx });
  await app.register(oneCodeRoutes, { ctx });
  await app.register(staffDeskRoutes, { ctx });
  await app.register(approvalRoutes, { ctx });
  await app.register(webAppPlugin, { root: options.webRoot });
  return app as unknown as FastifyInstance;
}
