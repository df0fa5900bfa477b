// The citizen's life-event services (免申即享): "you received: free prenatal check voucher", the
// offers waiting for a standing consent, and the citizen's answer (decline, accept). The services
// component (node/services) does the work; a gateway without it answers 503, never an empty list
// that would read as "nothing for you".
import type { FastifyPluginAsync } from "fastify";
import { gatewayRoutes } from "@imi-ledger/sdk";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { GatewayError, unavailable } from "../errors.js";
import { NodeError } from "../../NodeError.js";
import { serviceJson } from "../../services/serviceJson.js";
import type { ServicesDesk } from "../../services/ServicesDesk.js";

const STATUS: Record<string, number> = { SERVICE_NOT_FOUND: 404, SERVICE_NOT_DECLINABLE: 409, SERVICE_NOT_OFFERED: 409 };

export const citizenServicesRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const desk = (): ServicesDesk => {
    const services = ctx.options.services;
    if (!services) throw unavailable("SERVICES_UNAVAILABLE", "Life-event services are not running on this node.");
    return services;
  };
  const answer = async (run: () => Promise<unknown>) => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof NodeError && STATUS[error.code]) throw new GatewayError(error.code, STATUS[error.code], error.message);
      if (error instanceof GatewayError) throw error;
      throw unavailable("SERVICES_UNAVAILABLE", "The service could not be changed now; nothing was changed.", error);
    }
  };

  app.get("/v1/citizen/services", { schema: gatewayRoutes.citizenServices.schema }, async (request) => {
    const { citizen } = ctx.requireCitizen(request);
    const d = desk();
    const jobs = await answer(() => d.list(citizen));
    return { citizen, services: (jobs as Awaited<ReturnType<ServicesDesk["list"]>>).map((j) => serviceJson(j, d.rules, { withCredential: true })) };
  });

  app.post<{ Params: { id: string } }>("/v1/citizen/services/:id/decline", { schema: gatewayRoutes.declineService.schema }, async (request) => {
    const { citizen } = ctx.requireCitizen(request);
    const d = desk();
    return serviceJson((await answer(() => d.decline(citizen, request.params.id))) as Awaited<ReturnType<ServicesDesk["decline"]>>, d.rules);
  });

  app.post<{ Params: { id: string } }>("/v1/citizen/services/:id/accept", { schema: gatewayRoutes.acceptService.schema }, async (request) => {
    const { citizen } = ctx.requireCitizen(request);
    const d = desk();
    return serviceJson((await answer(() => d.accept(citizen, request.params.id))) as Awaited<ReturnType<ServicesDesk["accept"]>>, d.rules);
  });
};
