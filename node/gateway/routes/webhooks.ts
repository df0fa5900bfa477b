// Agencies told at once: an agency (staff session, agency role) registers webhook endpoints, reads
// its deliveries, acknowledges a revocation notice and answers citizens' deletion and correction
// requests; a citizen sends such requests and sees them, and the notices agencies were sent about
// their consents, until answered. The services component (node/services/webhooks) holds the outbox;
// a gateway without it answers 503, never an empty list that would read as "nothing was sent".
import type { FastifyPluginAsync } from "fastify";
import { gatewayRoutes, type DataRequestKind, type WebhookEvent } from "@imi-ledger/sdk";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { GatewayError, unavailable } from "../errors.js";
import { NodeError } from "../../NodeError.js";
import type { WebhookDesk } from "../../services/webhooks/WebhookDesk.js";

const STATUS: Record<string, number> = {
  WEBHOOK_URL_INVALID: 400,
  WEBHOOK_EVENTS_INVALID: 400,
  WEBHOOK_LIMIT: 409,
  WEBHOOK_NOT_FOUND: 404,
  DELIVERY_NOT_FOUND: 404,
  DELIVERY_NOT_ACKNOWLEDGEABLE: 409,
  REQUEST_NOT_FOUND: 404,
  REQUEST_ANSWERED: 409,
  REQUEST_NO_RELATION: 409,
  REQUEST_DETAILS_REQUIRED: 400,
  REQUEST_NOTE_REQUIRED: 400,
};

export const webhookRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const desk = (): WebhookDesk => {
    const webhooks = ctx.options.services?.webhooks;
    if (!webhooks) throw unavailable("SERVICES_UNAVAILABLE", "Webhooks are not running on this node.");
    return webhooks;
  };
  const answer = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof NodeError && STATUS[error.code]) throw new GatewayError(error.code, STATUS[error.code], error.message);
      if (error instanceof GatewayError) throw error;
      throw unavailable("SERVICES_UNAVAILABLE", "The request could not be handled now; nothing was changed.", error);
    }
  };

  app.post<{ Body: { url: string; events: WebhookEvent[] } }>("/v1/agency/webhooks", { schema: gatewayRoutes.registerWebhook.schema }, async (request) => {
    const agency = ctx.requireStaff(request, "agency");
    return answer(() => desk().register(agency, request.body.url, request.body.events));
  });

  app.get<{ Querystring: { limit?: string } }>("/v1/agency/webhooks", { schema: gatewayRoutes.agencyWebhooks.schema }, async (request) => {
    const agency = ctx.requireStaff(request, "agency");
    return answer(() => desk().list(agency, Number(request.query.limit ?? 100)));
  });

  app.post<{ Params: { id: string } }>("/v1/agency/webhooks/:id/remove", { schema: gatewayRoutes.removeWebhook.schema }, async (request) => {
    const agency = ctx.requireStaff(request, "agency");
    return answer(() => desk().remove(agency, request.params.id));
  });

  app.post<{ Params: { id: string } }>("/v1/agency/webhooks/deliveries/:id/ack", { schema: gatewayRoutes.acknowledgeDelivery.schema }, async (request) => {
    const agency = ctx.requireStaff(request, "agency");
    const acknowledged = await answer(() => desk().acknowledge(agency, request.params.id));
    request.log.info({ event: "webhook_acknowledged", delivery: acknowledged.id, kind: acknowledged.event }, "agency acknowledged a delivery");
    return acknowledged;
  });

  app.get("/v1/agency/data-requests", { schema: gatewayRoutes.agencyDataRequests.schema }, async (request) => {
    const agency = ctx.requireStaff(request, "agency");
    return { requests: await answer(() => desk().agencyRequests(agency)) };
  });

  app.post<{ Params: { id: string }; Body: { outcome: "done" | "refused"; note: string } }>(
    "/v1/agency/data-requests/:id/answer",
    { schema: gatewayRoutes.answerDataRequest.schema },
    async (request) => {
      const agency = ctx.requireStaff(request, "agency");
      return answer(() => desk().answer(agency, request.params.id, request.body.outcome, request.body.note));
    },
  );

  app.get("/v1/citizen/data-requests", { schema: gatewayRoutes.citizenDataRequests.schema }, async (request) => {
    const { citizen } = ctx.requireCitizen(request);
    return { citizen, ...(await answer(() => desk().citizenView(citizen))) };
  });

  app.post<{ Body: { agency: string; kind: DataRequestKind; categories: string[]; details: string } }>(
    "/v1/citizen/data-requests",
    { schema: gatewayRoutes.sendDataRequest.schema },
    async (request) => {
      const { citizen } = ctx.requireCitizen(request);
      return answer(() => desk().sendRequest(citizen, request.body));
    },
  );
};
