import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { OneCodeVerdictJson } from "../../gateway/schemas/oneCode.js";

export type UploadOneCodeVerificationsParameters = { verifications: ReadonlyArray<{ code: string; verifiedAt: number }>; token?: string };
export type UploadOneCodeVerificationsReturnType = { results: OneCodeVerdictJson[] };

/**
 * POST /v1/one-code/offline (verifier session): the codes a device accepted while offline, each
 * with the unix second it was checked. The gateway checks each again as of that time and logs it
 * with that time, so the citizen sees when the door really let her in.
 */
export async function uploadOneCodeVerifications(client: GatewayBaseClient, p: UploadOneCodeVerificationsParameters): Promise<UploadOneCodeVerificationsReturnType> {
  const verifications = p.verifications.map((v) => ({ code: v.code, verifiedAt: String(v.verifiedAt) }));
  return (await callGateway<UploadOneCodeVerificationsReturnType>(client, { method: "POST", path: "/v1/one-code/offline", body: { verifications }, auth: "bearer", token: p.token, what: "one-code upload" })).body;
}
