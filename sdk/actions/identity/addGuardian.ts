import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { checkAuthorization, signAction, type Authorization, type SignedAction } from "../../internal/signing.js";
import { toNonZeroAddress, toNonZeroBytes32, toPositiveUint, toUint } from "../../internal/validate.js";
import { addGuardianTypedData } from "../../typedData/identityTypedData.js";
import type { Address, Hex, Numberish } from "../../types.js";

export type AddGuardianParameters = {
  citizen: Hex;
  guardian: Address;
  /** Data categories the guardian may act over (bitmask). */
  scopes: Numberish;
  /** Unix seconds. */
  expiresAt: Numberish;
  /** Relay the controller's signature (`addGuardianBySig`). */
  authorization?: Authorization;
  /**
   * "controller" (default): the citizen's key (or its signature) appoints. "registrar": a
   * registrar appoints for a citizen who cannot act (`appointGuardian`).
   */
  by?: "controller" | "registrar";
  account?: ImiAccount;
};
export type AddGuardianReturnType = { hash: Hex; blockNumber: number };

/** Appoints a guardian: by the controller (directly or signed) or by a registrar. */
export async function addGuardian(client: ImiBaseClient, p: AddGuardianParameters): Promise<AddGuardianReturnType> {
  const args = [
    toNonZeroBytes32("citizen", p.citizen),
    toNonZeroAddress("guardian", p.guardian),
    toPositiveUint("scopes", p.scopes, 256),
    toUint("expiresAt", p.expiresAt, 64),
  ];
  const call = p.authorization
    ? { functionName: "addGuardianBySig" as const, args: [...args, await checkAuthorization(client, p.authorization)] }
    : { functionName: p.by === "registrar" ? ("appointGuardian" as const) : ("addGuardian" as const), args };
  const { hash, blockNumber } = await writeContract(client, { action: "addGuardian", account: p.account, contract: "identityRegistry", ...call });
  return { hash, blockNumber };
}

export type SignAddGuardianParameters = {
  citizen: Hex;
  guardian: Address;
  scopes: Numberish;
  expiresAt: Numberish;
  deadline?: Numberish;
  account?: ImiAccount;
};

export function signAddGuardian(client: ImiBaseClient, p: SignAddGuardianParameters): Promise<SignedAction<"AddGuardian">> {
  return signAction(client, {
    action: "signAddGuardian",
    contract: "identityRegistry",
    account: p.account,
    deadline: p.deadline,
    build: (d) => addGuardianTypedData({ ...d, citizen: p.citizen, guardian: p.guardian, scopes: p.scopes, expiresAt: p.expiresAt }),
  });
}
