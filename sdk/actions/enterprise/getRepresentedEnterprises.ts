import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { getEvents, readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import { ENTERPRISE_SCOPES, enterpriseScopeNames, type EnterpriseScopeName } from "../../enterprise/unifiedSocialCreditCode.js";
import type { Hex } from "../../types.js";
import { getEnterprise } from "./getEnterprise.js";

export type GetRepresentedEnterprisesParameters = { citizen: Hex; fromBlock?: number };
export type RepresentedEnterprise = {
  enterprise: Hex;
  asLegalRepresentative: boolean;
  /** Every scope for the legal representative; the appointment's scopes for staff. */
  scopes: bigint;
  scopeNames: EnterpriseScopeName[];
  /** The appointment's end (0 for the legal representative, who acts until the counter records another). */
  expiresAt: bigint;
};
export type GetRepresentedEnterprisesReturnType = RepresentedEnterprise[];

const ALL_SCOPES = Object.values(ENTERPRISE_SCOPES).reduce((a, b) => a | b, 0n);

/**
 * The active enterprises a citizen acts for now: as legal representative, or as staff whose
 * appointment is neither removed nor expired. Candidates are walked from the registry's events
 * (registered with, changed to, or appointed); each is then checked against the registry's state.
 */
export async function getRepresentedEnterprises(client: ImiBaseClient, p: GetRepresentedEnterprisesParameters): Promise<GetRepresentedEnterprisesReturnType> {
  const citizen = toBytes32("citizen", p.citizen).toLowerCase() as Hex;
  const from = { contract: "enterpriseRegistry" as const, fromBlock: p.fromBlock };
  const [registered, changed, appointed] = await Promise.all([
    getEvents(client, { ...from, eventName: "EnterpriseRegistered", topics: [null, citizen] }),
    getEvents(client, { ...from, eventName: "LegalRepresentativeChanged", topics: [null, null, citizen] }),
    getEvents(client, { ...from, eventName: "StaffAppointed", topics: [null, citizen] }),
  ]);
  const ids = [...new Set([...registered, ...changed, ...appointed].map((e) => String(e.args.enterprise).toLowerCase() as Hex))];
  const found = await Promise.all(
    ids.map(async (enterprise): Promise<RepresentedEnterprise | undefined> => {
      const e = await getEnterprise(client, { enterprise });
      if (e.status !== "active") return undefined;
      if (e.legalRepresentative.toLowerCase() === citizen) return { enterprise, asLegalRepresentative: true, scopes: ALL_SCOPES, scopeNames: enterpriseScopeNames(ALL_SCOPES), expiresAt: 0n };
      const active = await readContract(client, { contract: "enterpriseRegistry", functionName: "isStaff", args: [enterprise, citizen, 0n] });
      if (!active) return undefined;
      const staff = await readContract(client, { contract: "enterpriseRegistry", functionName: "getStaff", args: [enterprise, citizen] });
      return { enterprise, asLegalRepresentative: false, scopes: staff.scopes, scopeNames: enterpriseScopeNames(staff.scopes), expiresAt: staff.expiresAt };
    }),
  );
  return found.filter((e): e is RepresentedEnterprise => e !== undefined);
}
