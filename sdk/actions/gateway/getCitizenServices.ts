import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { CitizenServices } from "../../gateway/schemas/services.js";

export type GetCitizenServicesParameters = { token?: string };
export type GetCitizenServicesReturnType = CitizenServices;

/** GET /v1/citizen/services (citizen session): the life-event services received, offered or on their way. */
export async function getCitizenServices(client: GatewayBaseClient, p: GetCitizenServicesParameters = {}): Promise<GetCitizenServicesReturnType> {
  return (await callGateway<CitizenServices>(client, { method: "GET", path: "/v1/citizen/services", auth: "bearer", token: p.token, what: "citizen services" })).body;
}
