import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { ResponseOf } from "../../gateway/schemas/common.js";
import type { registrarBudgetSchema } from "../../gateway/schemas/registrar.js";

export type GetRegistrarBudgetParameters = { token?: string };
export type GetRegistrarBudgetReturnType = ResponseOf<typeof registrarBudgetSchema>;

/** GET /v1/registrar/budget (registrar session): how many registrations per minute this registrar may send. */
export async function getRegistrarBudget(client: GatewayBaseClient, p: GetRegistrarBudgetParameters = {}): Promise<GetRegistrarBudgetReturnType> {
  return (await callGateway<GetRegistrarBudgetReturnType>(client, { method: "GET", path: "/v1/registrar/budget", auth: "bearer", token: p.token, what: "registrar budget" })).body;
}
