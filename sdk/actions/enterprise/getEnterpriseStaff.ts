import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { getEvents, readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import { enterpriseScopeNames, type EnterpriseScopeName } from "../../enterprise/unifiedSocialCreditCode.js";
import type { Hex } from "../../types.js";

export type GetEnterpriseStaffParameters = { enterprise: Hex; fromBlock?: number };
export type EnterpriseStaffMember = {
  staff: Hex;
  scopes: bigint;
  scopeNames: EnterpriseScopeName[];
  appointedAt: bigint;
  expiresAt: bigint;
  removedAt: bigint;
  /** May act now (appointed, not removed, not expired, citizen active). */
  active: boolean;
};
export type GetEnterpriseStaffReturnType = EnterpriseStaffMember[];

/** Everyone ever appointed as staff of an enterprise, with the appointment's current state (walked from `StaffAppointed`). */
export async function getEnterpriseStaff(client: ImiBaseClient, p: GetEnterpriseStaffParameters): Promise<GetEnterpriseStaffReturnType> {
  const enterprise = toBytes32("enterprise", p.enterprise);
  const events = await getEvents(client, { contract: "enterpriseRegistry", eventName: "StaffAppointed", topics: [enterprise], fromBlock: p.fromBlock });
  const ids = [...new Set(events.map((e) => String(e.args.staff).toLowerCase() as Hex))];
  return Promise.all(
    ids.map(async (staff) => {
      const raw = await readContract(client, { contract: "enterpriseRegistry", functionName: "getStaff", args: [enterprise, staff] });
      const active = await readContract(client, { contract: "enterpriseRegistry", functionName: "isStaff", args: [enterprise, staff, 0n] });
      return { staff, scopes: raw.scopes, scopeNames: enterpriseScopeNames(raw.scopes), appointedAt: raw.appointedAt, expiresAt: raw.expiresAt, removedAt: raw.removedAt, active };
    }),
  );
}
