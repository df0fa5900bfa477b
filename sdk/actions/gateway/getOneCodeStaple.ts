import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { OneCodeStapleJson } from "../../gateway/schemas/oneCode.js";
import type { OneCodeStaple } from "../../oneCode/createOneCode.js";
import type { Hex } from "../../types.js";

export type GetOneCodeStapleParameters = {
  ttlSeconds?: number;
  credential?: Hex;
  token?: string;
  /** The enterprise's one code (一企一码): an enterprise the session's key represents with the identity scope. */
  enterprise?: Hex;
  /** With `enterprise`: ENTERPRISE_SCOPES bits to staple beside identity. */
  scopes?: number;
};
export type GetOneCodeStapleReturnType = OneCodeStaple & { gateway: `0x${string}` };

/**
 * POST /v1/one-code/staple (citizen session, controller key): the gateway's signed statement that
 * this key controls the identity at its level as of the chain's head, valid a few minutes. The
 * phone signs fresh codes over it (createOneCode) until it expires. With `enterprise`, the staple also
 * says the key acts for that enterprise (refused NOT_REPRESENTATIVE or ENTERPRISE_INACTIVE otherwise).
 */
export async function getOneCodeStaple(client: GatewayBaseClient, p: GetOneCodeStapleParameters = {}): Promise<GetOneCodeStapleReturnType> {
  const body = {
    ...(p.ttlSeconds !== undefined ? { ttlSeconds: p.ttlSeconds } : {}),
    ...(p.credential ? { credential: p.credential } : {}),
    ...(p.enterprise ? { enterprise: p.enterprise } : {}),
    ...(p.scopes !== undefined ? { scopes: p.scopes } : {}),
  };
  const json = (await callGateway<OneCodeStapleJson>(client, { method: "POST", path: "/v1/one-code/staple", body, auth: "bearer", token: p.token, what: "one-code staple" })).body;
  return { status: { ...json.status, blockNumber: BigInt(json.status.blockNumber) }, signature: json.signature, ...(json.claim ? { claim: json.claim } : {}), gateway: json.gateway };
}
