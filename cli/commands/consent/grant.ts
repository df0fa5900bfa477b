import { grantTypedData, normalizeGrantRequest } from "@imi-ledger/sdk";
import type { Address, Hex } from "@imi-ledger/sdk";
import { gatewayJson } from "../../internal/gateway.js";
import { loadNames } from "../../internal/names.js";
import { address, duration, integer, purpose as parsePurpose, scopes as parseScopes, scopeNames } from "../../internal/parse.js";
import { confirmSignature, openSigner, signingTimes, type SignerOptions } from "./signer.js";

export type GrantConsentOptions = SignerOptions & { agency: string; scopes: string; purpose: string; for?: string; maxUses?: string };
export type GrantConsentResult = {
  consentId: Hex;
  citizen: Hex;
  agency: Address;
  /** The agency as people know it (directory, key ring or role label). */
  agencyName: string;
  scopes: string;
  categories: string[];
  purpose: Hex;
  purposeName?: string;
  validFrom: number;
  validUntil: number;
  maxUses: number;
  txHash: Hex;
  blockNumber: number;
};

/**
 * The citizen (or a guardian) signs an EIP-712 Grant for an agency, scopes, purpose, validity and
 * use limit; the gateway relays it to the ConsentRegistry, which checks the signature. The citizen
 * sees exactly what is signed first.
 */
export async function grantConsent(options: GrantConsentOptions): Promise<GrantConsentResult> {
  const agency = address("--agency", options.agency);
  const scopes = parseScopes(options.scopes);
  const purpose = parsePurpose(options.purpose);
  const lifetime = duration("--for", options.for ?? "365d");
  const maxUses = options.maxUses === undefined ? 0 : integer("--max-uses", options.maxUses, 0, 4_294_967_295);
  const { node, account, client, citizen } = await openSigner(options);
  const gateway = node.requireGateway();
  const { chain, now } = await signingTimes(client);
  // Valid from the chain's own time, so the consent is in force as soon as it is in a block.
  const request = normalizeGrantRequest({ citizen, agency, scopes, purpose: purpose.code, validFrom: chain < now ? chain : now, validUntil: now + BigInt(lifetime), maxUses });
  const deadline = now + 600n;
  const nonce = await client.signing.getNonce({ contract: "consentRegistry", signer: account.address });
  const typed = grantTypedData({ chainId: node.deployment.chainId, verifyingContract: node.deployment.contracts.consentRegistry, request, nonce, deadline });
  await confirmSignature(typed, options, purpose.name ? { purpose: purpose.name } : {});
  const signature = account.signTypedData(typed);
  const out = await gatewayJson<{ consentId: Hex; txHash: Hex; blockNumber: number }>(gateway, "/v1/consents", {
    body: {
      request: { citizen, agency, scopes: scopes.toString(), purpose: purpose.code, validFrom: String(request.validFrom), validUntil: String(request.validUntil), maxUses },
      authorization: { signer: account.address, deadline: String(deadline), signature },
    },
  });
  const names = await loadNames(node);
  return {
    consentId: out.consentId,
    citizen,
    agency,
    agencyName: names.account(agency),
    scopes: scopes.toString(),
    categories: scopeNames(scopes),
    purpose: purpose.code,
    ...(purpose.name ? { purposeName: purpose.name } : {}),
    validFrom: Number(request.validFrom),
    validUntil: Number(request.validUntil),
    maxUses,
    txHash: out.txHash,
    blockNumber: out.blockNumber,
  };
}
