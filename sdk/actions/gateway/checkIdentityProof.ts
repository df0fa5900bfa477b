import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { SignedIdentityProof } from "../../gateway/identityProof.js";
import type { IdentityVerdict } from "../../gateway/schemas/identity.js";

export type CheckIdentityProofParameters = { proof: SignedIdentityProof; token?: string };
export type CheckIdentityProofReturnType = IdentityVerdict;

/**
 * POST /v1/identity/verify (agency session): whether the citizen's signed answer to the gateway's
 * challenge comes from a key that controls (or guards) that active identity now. A "no" is an
 * answer (verified false, with the reason), not an error; both are logged.
 */
export async function checkIdentityProof(client: GatewayBaseClient, p: CheckIdentityProofParameters): Promise<CheckIdentityProofReturnType> {
  const { message, signature } = p.proof;
  return (await callGateway<IdentityVerdict>(client, { method: "POST", path: "/v1/identity/verify", body: { message, signature }, auth: "bearer", token: p.token, what: "identity check" })).body;
}
