import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { eventOf, writeContract } from "../../internal/contractCall.js";
import { checkAuthorization, signAction, type Authorization, type SignedAction } from "../../internal/signing.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import { applyForRepairTypedData } from "../../typedData/enterpriseTypedData.js";
import type { Hex, Numberish } from "../../types.js";

export type ApplyForCreditRepairParameters = {
  entryId: Hex;
  /** Hash of the evidence (documents the authority reads from the department under consent). */
  evidenceHash: Hex;
  /** Relay the subject's signature (`applyForRepairBySig`). */
  authorization?: Authorization;
  account?: ImiAccount;
};
export type ApplyForCreditRepairReturnType = { hash: Hex; blockNumber: number; repairId: bigint };

/** The subject (a citizen, or an enterprise's representative with the credit scope) applies for credit repair. */
export async function applyForCreditRepair(client: ImiBaseClient, p: ApplyForCreditRepairParameters): Promise<ApplyForCreditRepairReturnType> {
  const args = [toNonZeroBytes32("entryId", p.entryId), toNonZeroBytes32("evidenceHash", p.evidenceHash)];
  const call = p.authorization
    ? { functionName: "applyForRepairBySig" as const, args: [...args, await checkAuthorization(client, p.authorization)] }
    : { functionName: "applyForRepair" as const, args };
  const result = await writeContract(client, { action: "applyForCreditRepair", account: p.account, contract: "creditRegistry", ...call });
  return { hash: result.hash, blockNumber: result.blockNumber, repairId: eventOf(result, "creditRegistry", "RepairFiled").repairId };
}

export type SignApplyForCreditRepairParameters = { entryId: Hex; evidenceHash: Hex; deadline?: Numberish; account?: ImiAccount };

/** The subject signs an `ApplyForRepair` for a relayer (the gateway). */
export function signApplyForCreditRepair(client: ImiBaseClient, p: SignApplyForCreditRepairParameters): Promise<SignedAction<"ApplyForRepair">> {
  return signAction(client, {
    action: "signApplyForCreditRepair",
    contract: "creditRegistry",
    account: p.account,
    deadline: p.deadline,
    build: (d) => applyForRepairTypedData({ ...d, entryId: p.entryId, evidenceHash: p.evidenceHash }),
  });
}
