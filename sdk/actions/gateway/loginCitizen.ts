import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient, GatewaySigner } from "../../gateway/client/GatewayBaseClient.js";
import { identityProofMessage, identityProofTypedData } from "../../gateway/identityProof.js";
import type { GatewaySession } from "../../gateway/schemas/auth.js";
import type { Hex } from "../../types.js";
import { gatewayIdentity } from "./getGatewayDeployment.js";
import { getLoginChallenge } from "./getLoginChallenge.js";

export type LoginCitizenParameters = {
  /** The citizen's controller key, or a guardian's key (the session then says asGuardian). */
  signer: GatewaySigner;
  citizen: Hex;
};
export type LoginCitizenReturnType = GatewaySession;

/**
 * POST /v1/auth/citizen-login: fetches a login challenge, signs an IdentityProof over it and
 * returns the session. `createGatewayClient`'s method also keeps the token for the calls after it.
 */
export async function loginCitizen(client: GatewayBaseClient, p: LoginCitizenParameters): Promise<LoginCitizenReturnType> {
  const [{ chainId }, { challenge, audience }] = await Promise.all([gatewayIdentity(client), getLoginChallenge(client)]);
  const message = identityProofMessage({ chainId, citizen: p.citizen, controller: p.signer.address, audience, challenge });
  const signature = await p.signer.signTypedData(identityProofTypedData(chainId, message));
  const { body } = await callGateway<GatewaySession>(client, { method: "POST", path: "/v1/auth/citizen-login", body: { message, signature }, what: "citizen login" });
  return body;
}
