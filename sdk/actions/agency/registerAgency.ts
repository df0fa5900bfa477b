import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { InvalidInputError } from "../../errors/errors.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroAddress, toNonZeroBytes32, toUint } from "../../internal/validate.js";
import type { Address, Hex, Numberish } from "../../types.js";

/** An agency's public profile (AgencyRegistry.Profile): organisation texts, never personal data. */
export type AgencyProfile = { nameZh: string; nameEn: string; contact: string; legalBasisZh: string; legalBasisEn: string };

/** One declared purpose: the categories (scope bits) the agency may ask for under it; scopes 0 withdraws it. */
export type AgencyPurposeDeclaration = { purpose: Hex; scopes: Numberish; nameZh: string; nameEn: string };

export type RegisterAgencyParameters = { agency: Address; profile: AgencyProfile; purposes?: readonly AgencyPurposeDeclaration[]; account?: ImiAccount };
export type RegisterAgencyReturnType = { hash: Hex; blockNumber: number };

function text(field: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) throw new InvalidInputError("INVALID_TEXT", field, "Give a non-empty text.");
  return value;
}

/** @internal Checks declarations as the contract will, so bad input fails before anything is signed. */
export function toPurposeDeclarations(purposes: readonly AgencyPurposeDeclaration[]) {
  return purposes.map((p, i) => {
    const scopes = toUint(`purposes[${i}].scopes`, p.scopes, 256);
    return {
      purpose: toNonZeroBytes32(`purposes[${i}].purpose`, p.purpose),
      scopes,
      nameZh: scopes === 0n ? (p.nameZh ?? "") : text(`purposes[${i}].nameZh`, p.nameZh),
      nameEn: scopes === 0n ? (p.nameEn ?? "") : text(`purposes[${i}].nameEn`, p.nameEn),
    };
  });
}

/**
 * The governor registers an agency (or replaces its profile) and declares what it may ask for, per
 * purpose. Consents, statutory grants and accesses beyond the declaration are refused.
 */
export async function registerAgency(client: ImiBaseClient, p: RegisterAgencyParameters): Promise<RegisterAgencyReturnType> {
  const profile = {
    nameZh: text("profile.nameZh", p.profile?.nameZh),
    nameEn: text("profile.nameEn", p.profile?.nameEn),
    contact: text("profile.contact", p.profile?.contact),
    legalBasisZh: text("profile.legalBasisZh", p.profile?.legalBasisZh),
    legalBasisEn: text("profile.legalBasisEn", p.profile?.legalBasisEn),
  };
  const result = await writeContract(client, {
    action: "registerAgency",
    account: p.account,
    contract: "agencyRegistry",
    functionName: "register",
    args: [toNonZeroAddress("agency", p.agency), profile, toPurposeDeclarations(p.purposes ?? [])],
  });
  return { hash: result.hash, blockNumber: result.blockNumber };
}
