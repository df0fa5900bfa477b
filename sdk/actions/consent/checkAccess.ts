import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toAddress, toBytes32, toNonZeroBytes32, toPositiveUint } from "../../internal/validate.js";
import type { Address, Hex, Numberish } from "../../types.js";

/** `IConsentRegistry.Decision`, in order. Stable. */
export const ACCESS_DECISIONS = [
  "Allowed",
  "UnknownGrant",
  "WrongAgency",
  "WrongCitizen",
  "ScopeNotCovered",
  "WrongPurpose",
  "NotYetValid",
  "Expired",
  "Paused",
  "Revoked",
  "CitizenInactive",
  "AgencyNotAuthorized",
  "GuardianLapsed",
  "AgencyNotRegisteredFor",
] as const;
export type AccessDecision = (typeof ACCESS_DECISIONS)[number];

export type CheckAccessParameters = {
  agency: Address;
  citizen: Hex;
  scopes: Numberish;
  purpose: Hex;
  /** A consent id or statutory grant id; without it, the latest consent for (citizen, agency, purpose). */
  grantId?: Hex;
};
export type CheckAccessReturnType = { allowed: boolean; decision: AccessDecision; grantId: Hex | null };

/** May `agency` read `scopes` of `citizen` for `purpose` now? (`maxUses` is counted by `consume`, see consumeConsent.) */
export async function checkAccess(client: ImiBaseClient, p: CheckAccessParameters): Promise<CheckAccessReturnType> {
  const agency = toAddress("agency", p.agency);
  const citizen = toNonZeroBytes32("citizen", p.citizen);
  const scopes = toPositiveUint("scopes", p.scopes, 256);
  const purpose = toNonZeroBytes32("purpose", p.purpose);
  if (p.grantId !== undefined) {
    const grantId = toBytes32("grantId", p.grantId);
    const decision = ACCESS_DECISIONS[Number(
      await readContract(client, { contract: "consentRegistry", functionName: "check", args: [grantId, agency, citizen, scopes, purpose] }),
    )];
    return { allowed: decision === "Allowed", decision, grantId };
  }
  const raw = await readContract(client, {
    contract: "consentRegistry",
    functionName: "mayAccess",
    args: [agency, citizen, scopes, purpose],
  });
  return { allowed: raw.allowed, decision: ACCESS_DECISIONS[Number(raw.decision)], grantId: /^0x0{64}$/.test(raw.consentId) ? null : raw.consentId };
}
