// Who signed an IdentityProof. A key signs with ECDSA and is found by recovery, with no chain
// call (the hot path, ~1,500 proofs/s). An account — a citizen's passkey account, or any other
// ERC-1271 wallet — cannot be recovered: the proof names it as `controller`, and the gateway asks
// that contract on chain whether the signature is its own. The client's word is never taken: the
// account's answer comes from its code at the latest block, and the caller still checks with the
// index that this address controls (or guards) the identity.
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { hashTypedData, identityProofTypedData, isEnterpriseIdentityProof, isValidSignatureNow, type IdentityProofMessage } from "@imi-ledger/sdk";
import { unavailable } from "../errors.js";
import { recoverSigner } from "./fastTypedData.js";
import type { GatewayContext } from "./GatewayContext.js";

/**
 * The proof's signer in lower case, or undefined when the signature is neither the controller's
 * key nor accepted by the controller's account. Throws CHAIN_UNAVAILABLE (503) when the account
 * could not be asked: no answer is never a yes.
 */
export async function identityProofSigner(ctx: GatewayContext, message: IdentityProofMessage, signature: `0x${string}`): Promise<string | undefined> {
  // A representative's proof for an enterprise is rare beside logins: the SDK's digest, not the fast path.
  const digest = isEnterpriseIdentityProof(message) ? hexToBytes(hashTypedData(identityProofTypedData(ctx.options.chainId, message)).slice(2)) : ctx.identityProofDigest(message);
  const claimed = message.controller.toLowerCase();
  let recovered: string | undefined;
  try {
    recovered = recoverSigner(digest, signature)?.toLowerCase();
  } catch {
    recovered = undefined;
  }
  if (recovered === claimed) return recovered;
  // A 65-byte signature that recovers to someone else may still be an ERC-1271 wallet's; anything
  // longer (a WebAuthn assertion) can only be. Only an address the index knows as this identity's
  // controller or guardian is asked: no chain call, and no call into an arbitrary contract, for a
  // proof that could not pass anyway.
  const known = ctx.options.indexer.checkIdentityKey(message.citizen, claimed, 0n, ctx.ruleTime());
  if (!known || (!known.isController && !known.isGuardian)) return undefined;
  try {
    const ok = await isValidSignatureNow(ctx.relay, { signer: message.controller, digest: `0x${bytesToHex(digest)}`, signature });
    return ok ? claimed : undefined;
  } catch (cause) {
    throw unavailable("CHAIN_UNAVAILABLE", "The signing account could not be asked; try again.", cause);
  }
}
