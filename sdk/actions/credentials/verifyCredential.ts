import { recoverAddress } from "ethers";
import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { claimDigest, hashCredential, type ClaimValue, type CredentialPresentation } from "../../credentials/credentialDocument.js";
import { readContract } from "../../internal/contractCall.js";
import { chainTime } from "../../internal/signing.js";
import { toSignature } from "../../internal/validate.js";
import type { Hex } from "../../types.js";
import { getCredentialStatus, type CredentialStatus } from "./getCredentialStatus.js";

export type CredentialProblem =
  | "malformed"
  | "wrongChain"
  | "badSignature"
  | "undisclosedClaim"
  | "untrustedIssuer"
  | "notAnchoredByIssuer"
  | "notYetValid"
  | "expired"
  | "subjectMismatch"
  | CredentialStatus;

export type VerifyCredentialParameters = {
  presentation: CredentialPresentation;
  /** When given, the credential must be about this citizen. */
  subject?: Hex;
};
export type VerifyCredentialReturnType = {
  valid: boolean;
  credentialHash: Hex | null;
  /** On-chain status ("valid", "revoked", ...), null when not reached. */
  status: CredentialStatus | null;
  /** The disclosed claims whose digests are in the signed document. */
  claims: Record<string, ClaimValue>;
  problems: CredentialProblem[];
};

/**
 * Verifies a presented credential end to end: the document hashes to what the issuer signed, each
 * disclosed claim is in the document, the issuer is trusted for the schema and anchored this
 * credential (or its batch), its status on chain is valid, and the validity window holds now.
 */
export async function verifyCredential(client: ImiBaseClient, p: VerifyCredentialParameters): Promise<VerifyCredentialReturnType> {
  const { document, disclosures, signature, batch } = p.presentation;
  const problems: CredentialProblem[] = [];
  const claims: Record<string, ClaimValue> = {};
  let credentialHash: Hex;
  try {
    credentialHash = hashCredential(document);
    if (recoverAddress(credentialHash, toSignature("signature", signature)).toLowerCase() !== document.issuer.toLowerCase()) problems.push("badSignature");
    for (const d of disclosures) {
      if (document.claimDigests.includes(claimDigest(d))) claims[d.name] = d.value;
      else problems.push("undisclosedClaim");
    }
  } catch {
    return { valid: false, credentialHash: null, status: null, claims: {}, problems: ["malformed"] };
  }
  if (document.chainId !== client.chainId) problems.push("wrongChain");
  if (p.subject !== undefined && p.subject.toLowerCase() !== document.subject) problems.push("subjectMismatch");
  const [trusted, anchored, status, now] = await Promise.all([
    readContract(client, { contract: "credentialRegistry", functionName: "isTrustedIssuer", args: [document.schemaId, document.issuer] }),
    batch
      ? readContract(client, { contract: "credentialRegistry", functionName: "getBatch", args: [batch.root] })
      : readContract(client, { contract: "credentialRegistry", functionName: "getCredential", args: [credentialHash] }),
    getCredentialStatus(client, { credentialHash, batch }),
    chainTime(client),
  ]);
  if (!trusted) problems.push("untrustedIssuer");
  if (anchored.issuer.toLowerCase() !== document.issuer.toLowerCase() || anchored.schemaId !== document.schemaId.toLowerCase()) problems.push("notAnchoredByIssuer");
  if (status !== "valid") problems.push(status);
  if (BigInt(document.validFrom) > now) problems.push("notYetValid");
  if (document.validUntil !== "0" && BigInt(document.validUntil) < now) problems.push("expired");
  const unique = [...new Set(problems)];
  return { valid: unique.length === 0, credentialHash, status, claims, problems: unique };
}
