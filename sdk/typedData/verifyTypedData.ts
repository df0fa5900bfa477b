import { recoverAddress } from "ethers";
import type { Address, Hex } from "../types.js";
import { toAddress, toSignature } from "../internal/validate.js";
import { hashTypedData, type TypedDataDefinition } from "./hashTypedData.js";

/** Who signed `typedData`. Offline. Throws INVALID_SIGNATURE for malformed or high-s signatures. */
export function recoverTypedDataSigner(typedData: TypedDataDefinition, signature: Hex): Address {
  const sig = toSignature("signature", signature);
  return recoverAddress(hashTypedData(typedData), sig) as Address;
}

export type VerifyTypedDataParameters = { typedData: TypedDataDefinition; signature: Hex; signer: Address };

/**
 * Whether `signature` over `typedData` was made by `signer` (an EOA). Offline: no network. A malformed
 * signature answers false; a malformed `signer` throws INVALID_ADDRESS. Smart-contract wallets
 * (ERC-1271) can only be checked on chain.
 */
export function verifyTypedData({ typedData, signature, signer }: VerifyTypedDataParameters): boolean {
  const expected = toAddress("signer", signer);
  try {
    return recoverTypedDataSigner(typedData, signature) === expected;
  } catch {
    return false;
  }
}
