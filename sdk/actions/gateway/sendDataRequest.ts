import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { DataRequestJson, DataRequestKind } from "../../gateway/schemas/webhooks.js";
import { toNonZeroAddress } from "../../internal/validate.js";
import type { Address } from "../../types.js";

export type SendDataRequestParameters = { agency: Address; kind: DataRequestKind; categories?: readonly string[]; details: string; token?: string };
export type SendDataRequestReturnType = DataRequestJson;

/** POST /v1/citizen/data-requests (citizen session): asks an agency to delete or correct data it obtained about the citizen. */
export async function sendDataRequest(client: GatewayBaseClient, p: SendDataRequestParameters): Promise<SendDataRequestReturnType> {
  const agency = toNonZeroAddress("agency", p.agency);
  return (await callGateway<DataRequestJson>(client, { method: "POST", path: "/v1/citizen/data-requests", body: { agency, kind: p.kind, categories: [...(p.categories ?? [])], details: p.details }, auth: "bearer", token: p.token, what: "send data request" })).body;
}
