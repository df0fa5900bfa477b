import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { checkAuthorization, signAction, type Authorization, type SignedAction } from "../../internal/signing.js";
import { toNonZeroBytes32, toPositiveUint, toUint } from "../../internal/validate.js";
import { appointStaffTypedData } from "../../typedData/enterpriseTypedData.js";
import type { Hex, Numberish } from "../../types.js";

export type AppointStaffParameters = {
  enterprise: Hex;
  /** The citizen id of the staff member. */
  staff: Hex;
  /** ENTERPRISE_SCOPES bits. */
  scopes: Numberish;
  /** Unix seconds. */
  expiresAt: Numberish;
  /** Relay the legal representative's signature (`appointStaffBySig`). */
  authorization?: Authorization;
  account?: ImiAccount;
};
export type AppointStaffReturnType = { hash: Hex; blockNumber: number };

/** The legal representative appoints a staff member: directly with its key, or by relaying its signature. */
export async function appointStaff(client: ImiBaseClient, p: AppointStaffParameters): Promise<AppointStaffReturnType> {
  const args = [
    toNonZeroBytes32("enterprise", p.enterprise),
    toNonZeroBytes32("staff", p.staff),
    toPositiveUint("scopes", p.scopes, 256),
    toUint("expiresAt", p.expiresAt, 64),
  ];
  const call = p.authorization
    ? { functionName: "appointStaffBySig" as const, args: [...args, await checkAuthorization(client, p.authorization)] }
    : { functionName: "appointStaff" as const, args };
  const { hash, blockNumber } = await writeContract(client, { action: "appointStaff", account: p.account, contract: "enterpriseRegistry", ...call });
  return { hash, blockNumber };
}

export type SignAppointStaffParameters = Omit<AppointStaffParameters, "authorization"> & { deadline?: Numberish };

/** The legal representative signs an `AppointStaff` for a relayer. */
export function signAppointStaff(client: ImiBaseClient, p: SignAppointStaffParameters): Promise<SignedAction<"AppointStaff">> {
  return signAction(client, {
    action: "signAppointStaff",
    contract: "enterpriseRegistry",
    account: p.account,
    deadline: p.deadline,
    build: (d) => appointStaffTypedData({ ...d, enterprise: p.enterprise, staff: p.staff, scopes: p.scopes, expiresAt: p.expiresAt }),
  });
}
