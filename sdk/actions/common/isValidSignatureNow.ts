import { AbiCoder, dataSlice, recoverAddress } from "ethers";
import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { ContractRevertError } from "../../errors/ContractRevertError.js";
import { UnknownRevertError } from "../../errors/errors.js";
import { toAddress, toBytes32, toHex } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type IsValidSignatureNowParameters = { signer: Address; digest: Hex; signature: Hex; blockTag?: string };
export type IsValidSignatureNowReturnType = boolean;

/** bytes4(keccak256("isValidSignature(bytes32,bytes)")), ERC-1271's magic value. */
const ERC1271_MAGIC = "0x1626ba7e";

/**
 * OpenZeppelin's SignatureChecker.isValidSignatureNow, off chain: an account without code must have
 * signed `digest` with its key (ECDSA, low s); an account with code (a smart-contract wallet, a
 * passkey account) is asked `isValidSignature(digest, signature)` and must answer the ERC-1271
 * magic value. A revert or any other answer is false; an RPC failure throws, so callers fail closed.
 */
export async function isValidSignatureNow(client: ImiBaseClient, p: IsValidSignatureNowParameters): Promise<IsValidSignatureNowReturnType> {
  const signer = toAddress("signer", p.signer);
  const digest = toBytes32("digest", p.digest);
  const signature = toHex("signature", p.signature);
  const code = await client.request<string>("eth_getCode", [signer, p.blockTag ?? "latest"]);
  if (code === "0x" || code === "0x0") {
    if (signature.length !== 132) return false;
    try {
      return recoverAddress(digest, signature).toLowerCase() === signer.toLowerCase();
    } catch {
      return false;
    }
  }
  const data = ERC1271_MAGIC + AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes"], [digest, signature]).slice(2);
  let answer: string;
  try {
    answer = await client.request<string>("eth_call", [{ to: signer, data }, p.blockTag ?? "latest"]);
  } catch (error) {
    // A revert is a "no"; a transport failure is not an answer at all.
    if (error instanceof UnknownRevertError || error instanceof ContractRevertError) return false;
    throw error;
  }
  return typeof answer === "string" && answer.length >= 10 && dataSlice(answer, 0, 4).toLowerCase() === ERC1271_MAGIC;
}
