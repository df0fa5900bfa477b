// How an agency's access call is authenticated: a session (token plus a fresh nonce and time per
// request) or a request signed on its own (sdk/gateway/agencyRequest, the AgencyRequest headers).
import { agencyRequestHeaders, agencyRequestMessage, agencyRequestTypedData } from "../agencyRequest.js";
import { randomBytes32 } from "../../utils.js";
import type { Hex, Numberish } from "../../types.js";
import { gatewayIdentity } from "../../actions/gateway/getGatewayDeployment.js";
import type { CallGatewayParameters } from "./callGateway.js";
import type { GatewayBaseClient, GatewaySigner } from "./GatewayBaseClient.js";

export type AgencyAccessAuth = {
  /** Sign this request with the agency's key (no session needed). Without it, the session token is used. */
  signer?: GatewaySigner;
  token?: string;
};

export type AccessTerms = { citizen: Hex; scopes: Numberish; purpose: Hex; grantId?: Hex };

/** The auth part of an access call: bearer + session nonce, or the two signed-request headers. */
export function agencyAccessAuth(
  client: GatewayBaseClient,
  terms: AccessTerms,
  p: AgencyAccessAuth,
): Pick<CallGatewayParameters, "auth" | "headers" | "token"> {
  const signer = p.signer;
  if (!signer)
    return {
      auth: "bearer",
      token: p.token,
      headers: () => ({ "x-imi-nonce": randomBytes32(), "x-imi-issued-at": String(Math.floor(Date.now() / 1000)) }),
    };
  return {
    auth: "none",
    headers: async ({ body, pathWithQuery }) => {
      const { chainId, gateway } = await gatewayIdentity(client);
      const message = agencyRequestMessage({ ...terms, chainId, gateway, agency: signer.address, method: "POST", path: pathWithQuery, body });
      const signature = await signer.signTypedData(agencyRequestTypedData(chainId, message));
      return agencyRequestHeaders({ message, signature });
    },
  };
}
