// EIP-712 messages the IdentityRegistry accepts (`*BySig`). Pure: usable offline by a wallet.
import { toBytes32, toNonZeroAddress, toUint, toPositiveUint } from "../internal/validate.js";
import type { Address, Hex, Numberish } from "../types.js";
import { IDENTITY_REGISTRY_DOMAIN_NAME, contractDomain, type ContractDomainParameters } from "./domains.js";
import type { TypedDataDefinition } from "./hashTypedData.js";

export const identityTypes = {
  RotateKey: [
    { name: "citizen", type: "bytes32" },
    { name: "newController", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  CancelRecovery: [
    { name: "citizen", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  AddGuardian: [
    { name: "citizen", type: "bytes32" },
    { name: "guardian", type: "address" },
    { name: "scopes", type: "uint256" },
    { name: "expiresAt", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  RemoveGuardian: [
    { name: "citizen", type: "bytes32" },
    { name: "guardian", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

type Signed = { nonce: Numberish; deadline: Numberish };

function only<K extends keyof typeof identityTypes>(key: K) {
  return { [key]: identityTypes[key] } as Pick<typeof identityTypes, K>;
}

export type RotateKeyTypedDataParameters = ContractDomainParameters & Signed & { citizen: Hex; newController: Address };

export function rotateKeyTypedData(p: RotateKeyTypedDataParameters): TypedDataDefinition<"RotateKey"> {
  return {
    domain: contractDomain(IDENTITY_REGISTRY_DOMAIN_NAME, p),
    types: only("RotateKey"),
    primaryType: "RotateKey",
    message: {
      citizen: toBytes32("citizen", p.citizen),
      newController: toNonZeroAddress("newController", p.newController),
      nonce: toUint("nonce", p.nonce, 256),
      deadline: toUint("deadline", p.deadline, 256),
    },
  };
}

export type CancelRecoveryTypedDataParameters = ContractDomainParameters & Signed & { citizen: Hex };

export function cancelRecoveryTypedData(p: CancelRecoveryTypedDataParameters): TypedDataDefinition<"CancelRecovery"> {
  return {
    domain: contractDomain(IDENTITY_REGISTRY_DOMAIN_NAME, p),
    types: only("CancelRecovery"),
    primaryType: "CancelRecovery",
    message: {
      citizen: toBytes32("citizen", p.citizen),
      nonce: toUint("nonce", p.nonce, 256),
      deadline: toUint("deadline", p.deadline, 256),
    },
  };
}

export type AddGuardianTypedDataParameters = ContractDomainParameters &
  Signed & { citizen: Hex; guardian: Address; scopes: Numberish; expiresAt: Numberish };

export function addGuardianTypedData(p: AddGuardianTypedDataParameters): TypedDataDefinition<"AddGuardian"> {
  return {
    domain: contractDomain(IDENTITY_REGISTRY_DOMAIN_NAME, p),
    types: only("AddGuardian"),
    primaryType: "AddGuardian",
    message: {
      citizen: toBytes32("citizen", p.citizen),
      guardian: toNonZeroAddress("guardian", p.guardian),
      scopes: toPositiveUint("scopes", p.scopes, 256),
      expiresAt: toUint("expiresAt", p.expiresAt, 64),
      nonce: toUint("nonce", p.nonce, 256),
      deadline: toUint("deadline", p.deadline, 256),
    },
  };
}

export type RemoveGuardianTypedDataParameters = ContractDomainParameters & Signed & { citizen: Hex; guardian: Address };

export function removeGuardianTypedData(p: RemoveGuardianTypedDataParameters): TypedDataDefinition<"RemoveGuardian"> {
  return {
    domain: contractDomain(IDENTITY_REGISTRY_DOMAIN_NAME, p),
    types: only("RemoveGuardian"),
    primaryType: "RemoveGuardian",
    message: {
      citizen: toBytes32("citizen", p.citizen),
      guardian: toNonZeroAddress("guardian", p.guardian),
      nonce: toUint("nonce", p.nonce, 256),
      deadline: toUint("deadline", p.deadline, 256),
    },
  };
}
