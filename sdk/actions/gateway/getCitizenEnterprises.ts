import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { CitizenEnterprises } from "../../gateway/schemas/enterprises.js";

export type GetCitizenEnterprisesParameters = { token?: string };
export type GetCitizenEnterprisesReturnType = CitizenEnterprises;

/** GET /v1/citizen/enterprises (citizen session): the enterprises the signed-in citizen acts for now, with her scopes in each. */
export async function getCitizenEnterprises(client: GatewayBaseClient, p: GetCitizenEnterprisesParameters = {}): Promise<GetCitizenEnterprisesReturnType> {
  return (await callGateway<CitizenEnterprises>(client, { method: "GET", path: "/v1/citizen/enterprises", auth: "bearer", token: p.token, what: "citizen enterprises" })).body;
}
