import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { identityProofMessage, identityProofTypedData, type SignedIdentityProof } from "../../gateway/identityProof.js";
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
  | { valid: true; citizen: Hex; level: number }
  | { valid: false; reason: "malformed" | "badSignature" | "wrongChallenge" | "wrongAudience" | "stale" | "notController" | "inactive" };

/**
 * Checks that the citizen signed this verifier's challenge with the key that is, right now, the
 * registered controller of an active identity, and reports the identity's assurance level.
 */
export async function verifyIdentityProof(
  client: ImiBaseClient,
  p: VerifyIdentityProofParameters,
): Promise<VerifyIdentityProofReturnType> {
  let message;
  let signer;
  try {
    message = identityProofMessage({ ...p.proof.message, chainId: client.chainId });
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
  return { valid: true, citizen: message.citizen, level: identity.level };
}
