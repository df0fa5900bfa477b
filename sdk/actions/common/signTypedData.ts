import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { requireAccount } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { ChainMismatchError, InvalidInputError } from "../../errors/errors.js";
import { signWith } from "../../internal/signing.js";
import { hashTypedData, type TypedDataDefinition } from "../../typedData/hashTypedData.js";
import {
  CONSENT_REGISTRY_DOMAIN_NAME,
  CREDENTIAL_DOMAIN_NAME,
  DOMAIN_VERSION,
  GATEWAY_DOMAIN_NAME,
  IDENTITY_REGISTRY_DOMAIN_NAME,
} from "../../typedData/domains.js";
import type { Hex } from "../../types.js";

export type SignTypedDataParameters = { typedData: TypedDataDefinition; account?: ImiAccount };
export type SignTypedDataReturnType = Hex;

const CONTRACT_DOMAINS = {
  [IDENTITY_REGISTRY_DOMAIN_NAME]: "identityRegistry",
  [CONSENT_REGISTRY_DOMAIN_NAME]: "consentRegistry",
} as const;
const CHAIN_DOMAINS: readonly string[] = [GATEWAY_DOMAIN_NAME, CREDENTIAL_DOMAIN_NAME];

/**
 * Signs IMI typed data that came from elsewhere (a relayer, the gateway, a QR code), after checking
 * its domain: an IMI domain name and version, this client's chain, and for contract domains this
 * deployment's contract. A wrong domain throws (CHAIN_MISMATCH / INVALID_DOMAIN) before signing,
 * so a wallet cannot be made to sign for another chain or another deployment.
 */
export async function signTypedData(client: ImiBaseClient, p: SignTypedDataParameters): Promise<SignTypedDataReturnType> {
  const account = requireAccount(client, p.account, "signTypedData");
  const { domain } = p.typedData;
  if (domain.chainId !== client.chainId) throw new ChainMismatchError("typedData.domain.chainId", client.chainId, Number(domain.chainId));
  if (domain.version !== DOMAIN_VERSION) throw new InvalidInputError("INVALID_DOMAIN", "typedData.domain.version", `Unknown domain version ${domain.version}.`);
  const contract = CONTRACT_DOMAINS[domain.name as keyof typeof CONTRACT_DOMAINS];
  if (contract) {
    const expected = client.deployment.contracts[contract];
    if (domain.verifyingContract?.toLowerCase() !== expected.toLowerCase())
      throw new InvalidInputError("INVALID_DOMAIN", "typedData.domain.verifyingContract", `Not this deployment's ${contract}.`);
  } else if (!CHAIN_DOMAINS.includes(domain.name) || domain.verifyingContract !== undefined) {
    throw new InvalidInputError("INVALID_DOMAIN", "typedData.domain.name", `Not an IMI domain: ${domain.name}.`);
  }
  hashTypedData(p.typedData); // malformed messages throw here, before the key is touched
  return signWith(client, account, p.typedData);
}
