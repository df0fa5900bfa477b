import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { PublicCreditAnswer } from "../../gateway/schemas/credit.js";
import { normalizeCreditCode } from "../../enterprise/unifiedSocialCreditCode.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type GetPublicCreditEntriesParameters = { code: string; subject?: never } | { subject: Hex; code?: never };
export type GetPublicCreditEntriesReturnType = PublicCreditAnswer;

/** GET /v1/credit/public (anyone): the entries of public (公示) lists for an enterprise's code or a subject id. */
export async function getPublicCreditEntries(client: GatewayBaseClient, p: GetPublicCreditEntriesParameters): Promise<GetPublicCreditEntriesReturnType> {
  const query = p.code !== undefined ? { code: normalizeCreditCode(p.code) } : { subject: toBytes32("subject", p.subject) };
  return (await callGateway<PublicCreditAnswer>(client, { method: "GET", path: "/v1/credit/public", query, auth: "none", what: "public credit entries" })).body;
}
