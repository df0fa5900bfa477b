import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type EraseCitizenRecordParameters = { citizen: Hex; token?: string };
export type EraseCitizenRecordReturnType = { erased: boolean };

/** DELETE /v1/registrar/citizens/{citizen}/record (registrar session): destroys the record's data key; the on-chain identity stays. */
export async function eraseCitizenRecord(client: GatewayBaseClient, p: EraseCitizenRecordParameters): Promise<EraseCitizenRecordReturnType> {
  const citizen = toNonZeroBytes32("citizen", p.citizen);
  return (await callGateway<EraseCitizenRecordReturnType>(client, { method: "DELETE", path: `/v1/registrar/citizens/${citizen}/record`, auth: "bearer", token: p.token, what: "record erasure" })).body;
}
