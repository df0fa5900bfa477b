import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type GetRecoveryParameters = { citizen: Hex };
/** The pending recovery, or null. */
export type GetRecoveryReturnType = { newController: Address; registrar: Address; executableAt: bigint } | null;

export async function getRecovery(client: ImiBaseClient, p: GetRecoveryParameters): Promise<GetRecoveryReturnType> {
  const raw = await readContract(client, {
    contract: "identityRegistry",
    functionName: "getRecovery",
    args: [toBytes32("citizen", p.citizen)],
  });
  return raw.executableAt === 0n ? null : raw;
}
