// EIP-712 messages the EnterpriseRegistry and the CreditRegistry accept (`*BySig`). Pure: usable offline by a wallet.
import { toBytes32, toNonZeroBytes32, toUint, toPositiveUint } from "../internal/validate.js";
import type { Hex, Numberish } from "../types.js";
import { CREDIT_REGISTRY_DOMAIN_NAME, ENTERPRISE_REGISTRY_DOMAIN_NAME, contractDomain, type ContractDomainParameters } from "./domains.js";
import type { TypedDataDefinition } from "./hashTypedData.js";

export const enterpriseTypes = {
  AppointStaff: [
    { name: "enterprise", type: "bytes32" },
    { name: "staff", type: "bytes32" },
    { name: "scopes", type: "uint256" },
    { name: "expiresAt", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  RemoveStaff: [
    { name: "enterprise", type: "bytes32" },
    { name: "staff", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export const creditTypes = {
  ApplyForRepair: [
    { name: "entryId", type: "bytes32" },
    { name: "evidenceHash", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

type Signed = { nonce: Numberish; deadline: Numberish };

export type AppointStaffTypedDataParameters = ContractDomainParameters &
  Signed & { enterprise: Hex; staff: Hex; scopes: Numberish; expiresAt: Numberish };

export function appointStaffTypedData(p: AppointStaffTypedDataParameters): TypedDataDefinition<"AppointStaff"> {
  return {
    domain: contractDomain(ENTERPRISE_REGISTRY_DOMAIN_NAME, p),
    types: { AppointStaff: enterpriseTypes.AppointStaff },
    primaryType: "AppointStaff",
    message: {
      enterprise: toNonZeroBytes32("enterprise", p.enterprise),
      staff: toNonZeroBytes32("staff", p.staff),
      scopes: toPositiveUint("scopes", p.scopes, 256),
      expiresAt: toUint("expiresAt", p.expiresAt, 64),
      nonce: toUint("nonce", p.nonce, 256),
      deadline: toUint("deadline", p.deadline, 256),
    },
  };
}

export type RemoveStaffTypedDataParameters = ContractDomainParameters & Signed & { enterprise: Hex; staff: Hex };

export function removeStaffTypedData(p: RemoveStaffTypedDataParameters): TypedDataDefinition<"RemoveStaff"> {
  return {
    domain: contractDomain(ENTERPRISE_REGISTRY_DOMAIN_NAME, p),
    types: { RemoveStaff: enterpriseTypes.RemoveStaff },
    primaryType: "RemoveStaff",
    message: {
      enterprise: toNonZeroBytes32("enterprise", p.enterprise),
      staff: toNonZeroBytes32("staff", p.staff),
      nonce: toUint("nonce", p.nonce, 256),
      deadline: toUint("deadline", p.deadline, 256),
    },
  };
}

export type ApplyForRepairTypedDataParameters = ContractDomainParameters & Signed & { entryId: Hex; evidenceHash: Hex };

export function applyForRepairTypedData(p: ApplyForRepairTypedDataParameters): TypedDataDefinition<"ApplyForRepair"> {
  return {
    domain: contractDomain(CREDIT_REGISTRY_DOMAIN_NAME, p),
    types: { ApplyForRepair: creditTypes.ApplyForRepair },
    primaryType: "ApplyForRepair",
    message: {
      entryId: toNonZeroBytes32("entryId", p.entryId),
      evidenceHash: toBytes32("evidenceHash", p.evidenceHash),
      nonce: toUint("nonce", p.nonce, 256),
      deadline: toUint("deadline", p.deadline, 256),
    },
  };
}
