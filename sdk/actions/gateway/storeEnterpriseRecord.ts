import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { EnterpriseRecordStored } from "../../gateway/schemas/enterprises.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type StoreEnterpriseRecordParameters = {
  enterprise: Hex;
  /** Category → fields (e.g. `{ licence: { number, kind, validUntil, status }, tax: { standing, asOf } }`). */
  record: Record<string, Record<string, string | number | boolean>>;
  /** The salt of the commitment the counter put on chain (`recordCommitment(record, salt)`). */
  salt: Hex;
  token?: string;
};
export type StoreEnterpriseRecordReturnType = EnterpriseRecordStored;

/**
 * POST /v1/enterprises/{enterprise}/record (counter session): the gateway stores the enterprise's record
 * in the vault if its salted commitment is the enterprise's commitment on chain.
 */
export async function storeEnterpriseRecord(client: GatewayBaseClient, p: StoreEnterpriseRecordParameters): Promise<StoreEnterpriseRecordReturnType> {
  const enterprise = toNonZeroBytes32("enterprise", p.enterprise);
  const body = JSON.stringify({ salt: toNonZeroBytes32("salt", p.salt), record: p.record });
  return (await callGateway<EnterpriseRecordStored>(client, { method: "POST", path: `/v1/enterprises/${enterprise}/record`, body, auth: "bearer", token: p.token, what: "enterprise record" })).body;
}
