import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { SignerNonces } from "../../gateway/schemas/directory.js";
import { toNonZeroAddress } from "../../internal/validate.js";
import type { Address } from "../../types.js";

export type GetSignerNoncesParameters = { signer: Address };
/** Decimal strings: the nonces to put in the next signed ConsentRegistry or IdentityRegistry action. */
export type GetSignerNoncesReturnType = SignerNonces;

/** GET /v1/signers/{signer}/nonces: a signer's current nonces, for a browser that signs without a JSON-RPC of its own. */
export async function getSignerNonces(client: GatewayBaseClient, p: GetSignerNoncesParameters): Promise<GetSignerNoncesReturnType> {
  const signer = toNonZeroAddress("signer", p.signer);
  return (await callGateway<SignerNonces>(client, { method: "GET", path: `/v1/signers/${signer}/nonces`, what: "signer nonces" })).body;
}
