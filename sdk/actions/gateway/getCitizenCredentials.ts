import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { CitizenCredential } from "../../gateway/schemas/credentials.js";

export type GetCitizenCredentialsParameters = { token?: string };
export type GetCitizenCredentialsReturnType = { credentials: CitizenCredential[] };

/** GET /v1/citizen/credentials (citizen session): the credentials anchored about the citizen and their status (valid, revoked, suspended, expired …). */
export async function getCitizenCredentials(client: GatewayBaseClient, p: GetCitizenCredentialsParameters = {}): Promise<GetCitizenCredentialsReturnType> {
  return (await callGateway<GetCitizenCredentialsReturnType>(client, { method: "GET", path: "/v1/citizen/credentials", auth: "bearer", token: p.token, what: "citizen credentials" })).body;
}
