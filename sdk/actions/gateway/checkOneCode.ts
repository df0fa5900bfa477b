import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { OneCodeVerdictJson } from "../../gateway/schemas/oneCode.js";

export type CheckOneCodeParameters = { code: string; token?: string };
export type CheckOneCodeReturnType = OneCodeVerdictJson;

/**
 * POST /v1/one-code/verify (verifier session): the gateway checks the code against its index now
 * (a key rotated since the staple is refused) and its replay memory, and logs the check. A refusal
 * is an answer (verified false, with the ONE_CODE_* reason), not an error.
 */
export async function checkOneCode(client: GatewayBaseClient, p: CheckOneCodeParameters): Promise<CheckOneCodeReturnType> {
  return (await callGateway<OneCodeVerdictJson>(client, { method: "POST", path: "/v1/one-code/verify", body: { code: p.code }, auth: "bearer", token: p.token, what: "one-code check" })).body;
}
