import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export const ENTERPRISE_STATUSES = ["none", "active", "deregistered"] as const;
export type EnterpriseStatus = (typeof ENTERPRISE_STATUSES)[number];

export type GetEnterpriseParameters = { enterprise: Hex };
export type GetEnterpriseReturnType = {
  enterprise: Hex;
  status: EnterpriseStatus;
  registeredAt: bigint;
  deregisteredAt: bigint;
  commitment: Hex;
  legalRepresentative: Hex;
};

/** An enterprise's record on chain ("none" when never registered). */
export async function getEnterprise(client: ImiBaseClient, p: GetEnterpriseParameters): Promise<GetEnterpriseReturnType> {
  const enterprise = toBytes32("enterprise", p.enterprise);
  const raw = await readContract(client, { contract: "enterpriseRegistry", functionName: "getEnterprise", args: [enterprise] });
  return {
    enterprise,
    status: ENTERPRISE_STATUSES[Number(raw.status)] ?? "none",
    registeredAt: raw.registeredAt,
    deregisteredAt: raw.deregisteredAt,
    commitment: raw.commitment,
    legalRepresentative: raw.legalRepresentative,
  };
}
