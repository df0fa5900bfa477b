import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { InvalidInputError } from "../../errors/errors.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroAddress } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type SetAccountAllowedParameters = {
  /** One account, or up to the contract's batch limit when allowing. */
  accounts: readonly Address[];
  allowed: boolean;
  account?: ImiAccount;
};
export type SetAccountAllowedReturnType = { hash: Hex; blockNumber: number };

/** The governor admits accounts to (or removes one from) the chain's transaction allowlist. */
export async function setAccountAllowed(client: ImiBaseClient, p: SetAccountAllowedParameters): Promise<SetAccountAllowedReturnType> {
  const accounts = p.accounts.map((a, i) => toNonZeroAddress(`accounts[${i}]`, a));
  if (accounts.length === 0) throw new InvalidInputError("INVALID_BATCH", "accounts", "Name at least one account.");
  if (!p.allowed && accounts.length !== 1) throw new InvalidInputError("INVALID_BATCH", "accounts", "Disallow one account at a time.");
  const call = p.allowed
    ? accounts.length === 1
      ? { functionName: "allow" as const, args: [accounts[0]] }
      : { functionName: "allowMany" as const, args: [accounts] }
    : { functionName: "disallow" as const, args: [accounts[0]] };
  const { hash, blockNumber } = await writeContract(client, { action: "setAccountAllowed", account: p.account, contract: "accountRules", ...call });
  return { hash, blockNumber };
}
