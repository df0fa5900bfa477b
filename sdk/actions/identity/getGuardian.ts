import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress, toBytes32, toUint } from "../../internal/validate.js";
import type { Address, Hex, Numberish } from "../../types.js";

export type GetGuardianParameters = {
  citizen: Hex;
  guardian: Address;
  /** When given, `active` also requires these scopes to be covered. */
  scopes?: Numberish;
};
export type GetGuardianReturnType = {
  scopes: bigint;
  addedAt: bigint;
  expiresAt: bigint;
  removedAt: bigint;
  /** May act now (over `scopes` when given, else over any of its scopes). */
  active: boolean;
};

export async function getGuardian(client: ImiBaseClient, p: GetGuardianParameters): Promise<GetGuardianReturnType> {
  const citizen = toBytes32("citizen", p.citizen);
  const guardian = toAddress("guardian", p.guardian);
  const raw = await readContract(client, {
    contract: "identityRegistry",
    functionName: "getGuardian",
    args: [citizen, guardian],
  });
  const scopes = p.scopes === undefined ? raw.scopes : toUint("scopes", p.scopes, 256);
  const active =
    scopes !== 0n &&
    (await readContract(client, { contract: "identityRegistry", functionName: "isGuardian", args: [citizen, guardian, scopes] }));
  return { ...raw, active };
}
