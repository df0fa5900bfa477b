import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { IdentityChallenge } from "../../gateway/schemas/identity.js";

export type GetIdentityChallengeParameters = { token?: string };
export type GetIdentityChallengeReturnType = IdentityChallenge;

/** POST /v1/identity/challenge (agency session): a one-shot challenge for the citizen's wallet to sign. */
export async function getIdentityChallenge(client: GatewayBaseClient, p: GetIdentityChallengeParameters = {}): Promise<GetIdentityChallengeReturnType> {
  return (await callGateway<IdentityChallenge>(client, { method: "POST", path: "/v1/identity/challenge", auth: "bearer", token: p.token, what: "identity challenge" })).body;
}
