import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { LoginChallenge } from "../../gateway/schemas/auth.js";

export type GetLoginChallengeReturnType = LoginChallenge;

/** POST /v1/auth/challenge: a one-shot challenge, the audience and the account this gateway expects in logins. */
export async function getLoginChallenge(client: GatewayBaseClient): Promise<GetLoginChallengeReturnType> {
  return (await callGateway<LoginChallenge>(client, { method: "POST", path: "/v1/auth/challenge", what: "login challenge" })).body;
}
