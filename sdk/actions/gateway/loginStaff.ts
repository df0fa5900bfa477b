import { agencyLoginMessage, agencyLoginTypedData } from "../../gateway/agencyLogin.js";
import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient, GatewaySigner } from "../../gateway/client/GatewayBaseClient.js";
import type { GatewaySession } from "../../gateway/schemas/auth.js";
import type { Numberish } from "../../types.js";
import { getLoginChallenge } from "./getLoginChallenge.js";
import { gatewayIdentity } from "./getGatewayDeployment.js";

export type LoginStaffParameters = {
  /** The key the chain knows the agency, registrar, issuer or auditor by. */
  signer: GatewaySigner;
  /** Session length in seconds (default 600; the gateway caps it). */
  lifetimeSeconds?: Numberish;
  /** Unix seconds (default now); the gateway refuses a login issued too far from its own clock. */
  issuedAt?: Numberish;
};
export type LoginStaffReturnType = GatewaySession;

/**
 * POST /v1/auth/login: signs an AgencyLogin for this gateway (its audience and account, from its
 * challenge) and returns the session with the roles the chain gives the key.
 */
export async function loginStaff(client: GatewayBaseClient, p: LoginStaffParameters): Promise<LoginStaffReturnType> {
  const [{ chainId }, { audience, gateway }] = await Promise.all([gatewayIdentity(client), getLoginChallenge(client)]);
  const issuedAt = BigInt(p.issuedAt ?? Math.floor(Date.now() / 1000));
  const message = agencyLoginMessage({ chainId, agency: p.signer.address, gateway, audience, issuedAt, expiresAt: issuedAt + BigInt(p.lifetimeSeconds ?? 600) });
  const signature = await p.signer.signTypedData(agencyLoginTypedData(chainId, message));
  const { body } = await callGateway<GatewaySession>(client, { method: "POST", path: "/v1/auth/login", body: { message, signature }, what: "staff login" });
  return body;
}
