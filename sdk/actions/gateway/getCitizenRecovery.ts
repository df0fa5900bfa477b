import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { CitizenRecovery } from "../../gateway/schemas/citizenRecovery.js";

export type GetCitizenRecoveryParameters = { token?: string };
export type GetCitizenRecoveryReturnType = CitizenRecovery;

/** GET /v1/citizen/recovery (citizen session): whether a key recovery is pending on the citizen's identity, read from the chain. */
export async function getCitizenRecovery(client: GatewayBaseClient, p: GetCitizenRecoveryParameters = {}): Promise<GetCitizenRecoveryReturnType> {
  return (await callGateway<CitizenRecovery>(client, { method: "GET", path: "/v1/citizen/recovery", auth: "bearer", token: p.token, what: "citizen recovery" })).body;
}
