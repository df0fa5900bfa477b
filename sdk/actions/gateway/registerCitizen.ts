import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { RegisterCitizenBody, Registered } from "../../gateway/schemas/registrar.js";

export type RegisterCitizenParameters = RegisterCitizenBody & { token?: string };
export type RegisterCitizenReturnType = Registered;

/**
 * POST /v1/registrar/citizens (registrar session): stores the record in the vault and broadcasts
 * the registrar's own signed `IdentityRegistry.register` transaction, which must register exactly
 * this citizen, key, level and the commitment of this record with this salt. If the chain refuses,
 * the record is erased again. 409 CITIZEN_EXISTS / KEY_IN_USE when already registered.
 */
export async function registerCitizen(client: GatewayBaseClient, p: RegisterCitizenParameters): Promise<RegisterCitizenReturnType> {
  const { token, ...body } = p;
  return (await callGateway<Registered>(client, { method: "POST", path: "/v1/registrar/citizens", body, auth: "bearer", token, what: "citizen registration" })).body;
}
