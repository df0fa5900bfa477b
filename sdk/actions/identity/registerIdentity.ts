import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { eventOf, writeContract } from "../../internal/contractCall.js";
import { toNonZeroAddress, toNonZeroBytes32, toUint } from "../../internal/validate.js";
import { InvalidNumberError } from "../../errors/errors.js";
import type { Address, Hex, Numberish } from "../../types.js";

export type RegisterIdentityParameters = {
  /** Random 32-byte identity id chosen at the service window (see `randomBytes32`). */
  citizen: Hex;
  /** The citizen's key. */
  controller: Address;
  /** Salted hash of the off-chain record (see `recordCommitment`). */
  commitment: Hex;
  /** Assurance level: 1 low, 2 substantial, 3 high. */
  level: Numberish;
  account?: ImiAccount;
};
export type RegisterIdentityReturnType = { hash: Hex; blockNumber: number; citizen: Hex; registrar: Address };

/** A registrar registers an identity. */
export async function registerIdentity(client: ImiBaseClient, p: RegisterIdentityParameters): Promise<RegisterIdentityReturnType> {
  const citizen = toNonZeroBytes32("citizen", p.citizen);
  const level = toUint("level", p.level, 8);
  if (level < 1n || level > 3n) throw new InvalidNumberError("level", p.level, "must be 1, 2 or 3");
  const result = await writeContract(client, {
    action: "registerIdentity",
    account: p.account,
    contract: "identityRegistry",
    functionName: "register",
    args: [citizen, toNonZeroAddress("controller", p.controller), toNonZeroBytes32("commitment", p.commitment), level],
  });
  const event = eventOf(result, "identityRegistry", "IdentityRegistered");
  return { hash: result.hash, blockNumber: result.blockNumber, citizen, registrar: event.registrar };
}
