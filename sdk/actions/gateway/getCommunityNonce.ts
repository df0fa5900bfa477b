import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { toNonZeroAddress } from "../../internal/validate.js";
import type { Address } from "../../types.js";

export type GetCommunityNonceParameters = { signer: Address };
export type GetCommunityNonceReturnType = { signer: Address; nonce: string };

/** GET /v1/community/signers/{signer}/nonce: the signer's nonce at the CommunityRegistry (a browser signs with it). */
export async function getCommunityNonce(client: GatewayBaseClient, p: GetCommunityNonceParameters): Promise<GetCommunityNonceReturnType> {
  const signer = toNonZeroAddress("signer", p.signer);
  return (await callGateway<GetCommunityNonceReturnType>(client, { method: "GET", path: `/v1/community/signers/${signer}/nonce`, what: "community nonce" })).body;
}
