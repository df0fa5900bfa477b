import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import {
  enterpriseIdentityProofMessage,
  identityProofMessage,
  identityProofTypedData,
  isEnterpriseIdentityProof,
  type IdentityProofMessage,
  type SignedIdentityProof,
} from "../../gateway/identityProof.js";
import { enterpriseAuthorizes } from "../enterprise/enterpriseAuthorizes.js";
import { getEnterprise } from "../enterprise/getEnterprise.js";
import { recoverTypedDataSigner } from "../../typedData/verifyTypedData.js";
import type { Hex } from "../../types.js";
import { chainTime } from "../../internal/signing.js";
import { getIdentity } from "./getIdentity.js";
import { isValidSignatureNow } from "../common/isValidSignatureNow.js";
import { hashTypedData } from "../../typedData/hashTypedData.js";

export type VerifyIdentityProofParameters = {
  proof: SignedIdentityProof;
  /** The challenge this verifier issued and the audience it expects. */
  challenge: Hex;
  audience: string;
  /** How old the proof may be, seconds of chain time. Default 300. */
  maxAgeSeconds?: number;
};
export type VerifyIdentityProofReturnType =
  | {
      valid: true;
      citizen: Hex;
      level: number;
      /** For a representative's proof: the enterprise, the scopes proven, and whether as its legal representative. */
      enterprise?: Hex;
      scopes?: bigint;
      asLegalRepresentative?: boolean;
    }
  | {
      valid: false;
      reason: "malformed" | "badSignature" | "wrongChallenge" | "wrongAudience" | "stale" | "notController" | "inactive" | "enterpriseInactive" | "notRepresentative";
    };

/**
 * Checks that the citizen signed this verifier's challenge with the key that is, right now, the
 * registered controller of an active identity, and reports the identity's assurance level. For a
 * representative's EnterpriseIdentityProof, also that the key acts for the enterprise now within the
 * proof's scopes (EnterpriseRegistry.authorizes: registered enterprise, legal representative or staff
 * covering them, not expired or removed).
 */
export async function verifyIdentityProof(
  client: ImiBaseClient,
  p: VerifyIdentityProofParameters,
): Promise<VerifyIdentityProofReturnType> {
  let message;
  let signer;
  try {
    const given: IdentityProofMessage = p.proof.message;
    message = isEnterpriseIdentityProof(given)
      ? enterpriseIdentityProofMessage({ ...given, chainId: client.chainId })
      : identityProofMessage({ ...given, chainId: client.chainId });
    // A representative's scopes are signed as given: one that leaves out the identity bit is not this form.
    if (isEnterpriseIdentityProof(given) && isEnterpriseIdentityProof(message) && message.scopes !== String(given.scopes)) return { valid: false, reason: "malformed" };
    signer = p.proof.signature.length === 132 ? recoverTypedDataSigner(identityProofTypedData(client.chainId, message), p.proof.signature) : undefined;
  } catch {
    return { valid: false, reason: "malformed" };
  }
  // Not the controller's key: the controller may be an account (a passkey's), asked through ERC-1271.
  if (signer !== message.controller) {
    const digest = hashTypedData(identityProofTypedData(client.chainId, message));
    if (!(await isValidSignatureNow(client, { signer: message.controller, digest, signature: p.proof.signature }))) return { valid: false, reason: "badSignature" };
    signer = message.controller;
  }
  if (message.challenge !== p.challenge.toLowerCase()) return { valid: false, reason: "wrongChallenge" };
  if (message.audience !== p.audience) return { valid: false, reason: "wrongAudience" };
  const now = await chainTime(client);
  const issuedAt = BigInt(message.issuedAt);
  if (issuedAt + BigInt(p.maxAgeSeconds ?? 300) < now || issuedAt > now + 120n) return { valid: false, reason: "stale" };
  const identity = await getIdentity(client, { citizen: message.citizen });
  if (identity.status !== "active") return { valid: false, reason: "inactive" };
  if (identity.controller !== signer) return { valid: false, reason: "notController" };
  if (!isEnterpriseIdentityProof(message)) return { valid: true, citizen: message.citizen, level: identity.level };
  const scopes = BigInt(message.scopes);
  const acts = await enterpriseAuthorizes(client, { enterprise: message.enterprise, actor: signer, scopes });
  if (!acts.allowed || acts.citizen.toLowerCase() !== message.citizen.toLowerCase()) {
    const enterprise = await getEnterprise(client, { enterprise: message.enterprise });
    return { valid: false, reason: enterprise.status !== "active" ? "enterpriseInactive" : "notRepresentative" };
  }
  return { valid: true, citizen: message.citizen, level: identity.level, enterprise: message.enterprise, scopes, asLegalRepresentative: acts.asLegalRepresentative };
}
