import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { EnterpriseCredit } from "../../gateway/schemas/enterprises.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type GetEnterpriseCreditParameters = { enterprise: Hex; token?: string };
export type GetEnterpriseCreditReturnType = EnterpriseCredit;

/** GET /v1/enterprises/{enterprise}/credit (citizen session of a representative holding the credit scope): entries on every list and the repair applications. */
export async function getEnterpriseCredit(client: GatewayBaseClient, p: GetEnterpriseCreditParameters): Promise<GetEnterpriseCreditReturnType> {
  const enterprise = toNonZeroBytes32("enterprise", p.enterprise);
  return (await callGateway<EnterpriseCredit>(client, { method: "GET", path: `/v1/enterprises/${enterprise}/credit`, auth: "bearer", token: p.token, what: "enterprise credit" })).body;
}
