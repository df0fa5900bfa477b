import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toUint } from "../../internal/validate.js";
import type { Hex, Numberish } from "../../types.js";

export type SetRecoveryDelayParameters = { /** Seconds; the contract requires at least one hour. */ delay: Numberish; account?: ImiAccount };
export type SetRecoveryDelayReturnType = { hash: Hex; blockNumber: number };

/** The governor sets how long a registrar-started key recovery waits. */
export async function setRecoveryDelay(client: ImiBaseClient, p: SetRecoveryDelayParameters): Promise<SetRecoveryDelayReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "setRecoveryDelay",
    account: p.account,
    contract: "identityRegistry",
    functionName: "setRecoveryDelay",
    args: [toUint("delay", p.delay, 32)],
  });
  return { hash, blockNumber };
}
