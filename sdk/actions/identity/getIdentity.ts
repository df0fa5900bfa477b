import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export const IDENTITY_STATUS = ["none", "active", "deactivated"] as const;
export type IdentityStatus = (typeof IDENTITY_STATUS)[number];

export type GetIdentityParameters = { citizen: Hex };
export type GetIdentityReturnType = {
  citizen: Hex;
  controller: Address;
  status: IdentityStatus;
  level: number;
  registeredAt: bigint;
  deactivatedAt: bigint;
  commitment: Hex;
};

/** An identity as the registry holds it (status "none" when never registered). */
export async function getIdentity(client: ImiBaseClient, p: GetIdentityParameters): Promise<GetIdentityReturnType> {
  const citizen = toBytes32("citizen", p.citizen);
  const raw = await readContract(client, {
    contract: "identityRegistry",
    functionName: "getIdentity",
    args: [citizen],
  });
  return {
    citizen,
    controller: raw.controller,
    status: IDENTITY_STATUS[Number(raw.status)],
    level: Number(raw.level),
    registeredAt: raw.registeredAt,
    deactivatedAt: raw.deactivatedAt,
    commitment: raw.commitment,
  };
}
