import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { eventOf, writeContract } from "../../internal/contractCall.js";
import { toNonZeroAddress, toNonZeroBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type InitiateRecoveryParameters = { citizen: Hex; newController: Address; account?: ImiAccount };
export type InitiateRecoveryReturnType = { hash: Hex; blockNumber: number; executableAt: bigint };

/** A registrar starts replacing a lost key; it takes effect after the recovery delay. */
export async function initiateRecovery(client: ImiBaseClient, p: InitiateRecoveryParameters): Promise<InitiateRecoveryReturnType> {
  const result = await writeContract(client, {
    action: "initiateRecovery",
    account: p.account,
    contract: "identityRegistry",
    functionName: "initiateRecovery",
    args: [toNonZeroBytes32("citizen", p.citizen), toNonZeroAddress("newController", p.newController)],
  });
  return { hash: result.hash, blockNumber: result.blockNumber, executableAt: eventOf(result, "identityRegistry", "RecoveryInitiated").executableAt };
}
