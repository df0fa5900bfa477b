import fp from "fastify-plugin";
import { GatewayError } from "../errors.js";
import { GatewayContext } from "../internal/GatewayContext.js";

type FastifyishError = Error & { code?: string; statusCode?: number; validation?: unknown };

/** Every failure leaves as { code, message }; 5xx bodies say nothing about internals. */
export const errorHandlerPlugin = fp(async (app) => {
  app.setErrorHandler((raw: FastifyishError, request, reply) => {
    const error = GatewayContext.translate(raw) as FastifyishError;
    let status: number;
    let code: string;
    let message: string;
    if (error instanceof GatewayError) {
      status = error.statusCode;
      code = error.code;
      message = status >= 500 ? "The service is temporarily unavailable; nothing was answered." : error.message;
      if (status >= 500) request.log.warn({ code, cause: (error.cause as Error | undefined)?.message }, "refused: backing service unavailable");
    } else if (error.validation) {
      status = 400;
      code = "INVALID_REQUEST";
      message = error.message;
    } else if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      status = 413;
      code = "BODY_TOO_LARGE";
      message = "The body is too large.";
    } else if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      status = 415;
      code = "UNSUPPORTED_MEDIA_TYPE";
      message = "Send application/json.";
    } else if (error.statusCode === 429) {
      status = 429;
      code = "RATE_LIMITED";
      message = "Too many requests; slow down.";
    } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode;
      code = "INVALID_BODY";
      message = "The body is not acceptable JSON.";
    } else {
      status = 500;
      code = "INTERNAL";
      message = "Internal error; nothing was answered.";
      request.log.error({ err: error }, "unhandled error");
    }
    void reply.code(status).send({ code, message });
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send({ code: "NOT_FOUND", message: "No such route." });
  });
});
