import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { EnterpriseConsents } from "../../gateway/schemas/enterprises.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type GetEnterpriseConsentsParameters = { enterprise: Hex; token?: string };
export type GetEnterpriseConsentsReturnType = EnterpriseConsents;

/** GET /v1/enterprises/{enterprise}/consents (citizen session of a representative holding the consent scope). */
export async function getEnterpriseConsents(client: GatewayBaseClient, p: GetEnterpriseConsentsParameters): Promise<GetEnterpriseConsentsReturnType> {
  const enterprise = toNonZeroBytes32("enterprise", p.enterprise);
  return (await callGateway<EnterpriseConsents>(client, { method: "GET", path: `/v1/enterprises/${enterprise}/consents`, auth: "bearer", token: p.token, what: "enterprise consents" })).body;
}
