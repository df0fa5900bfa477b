import { toAddress, toChainId } from "../internal/validate.js";
import type { Address } from "../types.js";
import type { TypedDataDomain } from "./hashTypedData.js";

/** Where a signed action will be executed: the chain and the contract that checks the signature. */
export type ContractDomainParameters = { chainId: number | bigint; verifyingContract: Address };

export const IDENTITY_REGISTRY_DOMAIN_NAME = "IMI IdentityRegistry";
export const CONSENT_REGISTRY_DOMAIN_NAME = "IMI ConsentRegistry";
export const ENTERPRISE_REGISTRY_DOMAIN_NAME = "IMI EnterpriseRegistry";
export const CREDIT_REGISTRY_DOMAIN_NAME = "IMI CreditRegistry";
export const GATEWAY_DOMAIN_NAME = "IMI Gateway";
export const CREDENTIAL_DOMAIN_NAME = "IMI Credential";
export const DOMAIN_VERSION = "1";

export function contractDomain(name: string, params: ContractDomainParameters): TypedDataDomain {
  return {
    name,
    version: DOMAIN_VERSION,
    chainId: toChainId("domain.chainId", params.chainId),
    verifyingContract: toAddress("domain.verifyingContract", params.verifyingContract),
  };
}

/** A domain without a contract (gateway messages, credentials): name, version and chain id only. */
export function chainDomain(name: string, chainId: number | bigint): TypedDataDomain {
  return { name, version: DOMAIN_VERSION, chainId: toChainId("domain.chainId", chainId) };
}
