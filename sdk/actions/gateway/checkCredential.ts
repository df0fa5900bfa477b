import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { CredentialPresentation } from "../../credentials/credentialDocument.js";
import type { CredentialVerdict } from "../../gateway/schemas/credentials.js";
import type { Hex } from "../../types.js";

export type CheckCredentialParameters = {
  presentation: CredentialPresentation;
  /** The citizen it must be about (a mismatch is reported as a problem). */
  subject?: Hex;
  token?: string;
};
export type CheckCredentialReturnType = CredentialVerdict;

/**
 * POST /v1/credentials/verify (agency session): the gateway checks a presented credential (issuer
 * signature, disclosed claims, trust, anchoring, status, validity) against its index. An invalid
 * credential is an answer (valid false, with its problems), not an error.
 */
export async function checkCredential(client: GatewayBaseClient, p: CheckCredentialParameters): Promise<CheckCredentialReturnType> {
  const body = { presentation: p.presentation, ...(p.subject ? { subject: p.subject } : {}) };
  return (await callGateway<CredentialVerdict>(client, { method: "POST", path: "/v1/credentials/verify", body, auth: "bearer", token: p.token, what: "credential check" })).body;
}
