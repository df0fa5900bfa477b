import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toBytes32, toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type DeregisterEnterpriseParameters = { enterprise: Hex; /** A reason code, e.g. keccak256("dissolved"). */ reason: Hex; account?: ImiAccount };
export type DeregisterEnterpriseReturnType = { hash: Hex; blockNumber: number };

/** The counter deregisters an enterprise; every representative loses its power at once. */
export async function deregisterEnterprise(client: ImiBaseClient, p: DeregisterEnterpriseParameters): Promise<DeregisterEnterpriseReturnType> {
  const { hash, blockNumber } = await writeContract(client, {
    action: "deregisterEnterprise",
    account: p.account,
    contract: "enterpriseRegistry",
    functionName: "deregister",
    args: [toNonZeroBytes32("enterprise", p.enterprise), toBytes32("reason", p.reason)],
  });
  return { hash, blockNumber };
}
