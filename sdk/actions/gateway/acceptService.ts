import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { CitizenService } from "../../gateway/schemas/services.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type AcceptServiceParameters = { id: Hex; token?: string };
export type AcceptServiceReturnType = CitizenService;

/** POST /v1/citizen/services/:id/accept (citizen session): asks for an offered service now, after granting the standing consent. */
export async function acceptService(client: GatewayBaseClient, p: AcceptServiceParameters): Promise<AcceptServiceReturnType> {
  const id = toNonZeroBytes32("id", p.id);
  return (await callGateway<CitizenService>(client, { method: "POST", path: `/v1/citizen/services/${id}/accept`, auth: "bearer", token: p.token, what: "accept service" })).body;
}
