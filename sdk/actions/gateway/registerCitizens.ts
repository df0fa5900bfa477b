import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { RegisterCitizensBody, RegisteredBatch } from "../../gateway/schemas/registrar.js";

export type RegisterCitizensParameters = RegisterCitizensBody & { token?: string };
export type RegisterCitizensReturnType = RegisteredBatch;

/**
 * POST /v1/registrar/citizens/batch (registrar session): the bulk form of registerCitizen. Stores
 * every row's record in the vault in one write and broadcasts the registrar's own signed
 * `IdentityRegistry.registerBatch`, which must register exactly these rows in this order. All or
 * none: if the chain refuses, every record is erased again. 409 CITIZEN_EXISTS / KEY_IN_USE when
 * any row is registered already (nothing is written; check the rows and send the others again).
 */
export async function registerCitizens(client: GatewayBaseClient, p: RegisterCitizensParameters): Promise<RegisterCitizensReturnType> {
  const { token, ...body } = p;
  return (await callGateway<RegisteredBatch>(client, { method: "POST", path: "/v1/registrar/citizens/batch", body, auth: "bearer", token, what: "batch citizen registration" })).body;
}
