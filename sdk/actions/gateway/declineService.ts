import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { CitizenService } from "../../gateway/schemas/services.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type DeclineServiceParameters = { id: Hex; token?: string };
export type DeclineServiceReturnType = CitizenService;

/** POST /v1/citizen/services/:id/decline (citizen session): declines a service received or offered; the decline is logged. */
export async function declineService(client: GatewayBaseClient, p: DeclineServiceParameters): Promise<DeclineServiceReturnType> {
  const id = toNonZeroBytes32("id", p.id);
  return (await callGateway<CitizenService>(client, { method: "POST", path: `/v1/citizen/services/${id}/decline`, auth: "bearer", token: p.token, what: "decline service" })).body;
}
