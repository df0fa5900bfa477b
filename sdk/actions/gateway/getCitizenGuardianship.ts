import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { CitizenGuardianship } from "../../gateway/schemas/guardianship.js";

export type GetCitizenGuardianshipParameters = { token?: string };
export type GetCitizenGuardianshipReturnType = CitizenGuardianship;

/** GET /v1/citizen/guardianship (citizen session): who guards the identity, and whom the signed-in key guards (to act for them, log in with the ward's id). */
export async function getCitizenGuardianship(client: GatewayBaseClient, p: GetCitizenGuardianshipParameters = {}): Promise<GetCitizenGuardianshipReturnType> {
  return (await callGateway<CitizenGuardianship>(client, { method: "GET", path: "/v1/citizen/guardianship", auth: "bearer", token: p.token, what: "citizen guardianship" })).body;
}
