import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { contractAddress, writeContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import { passkeyAccountAddress, type P256PublicKey } from "../../keys/passkey.js";
import type { Address, Hex } from "../../types.js";

export type CreatePasskeyAccountParameters = { publicKey: P256PublicKey; account?: ImiAccount };
/** `hash` is absent when the account already had code and nothing was sent. */
export type CreatePasskeyAccountReturnType = { address: Address; deployed: boolean; hash?: Hex; blockNumber?: number };

/**
 * Deploys the passkey's account (anyone may: the registrar at the counter, or the gateway). The
 * address is known before, from the key ({@link getPasskeyAccountAddress}); if it already has
 * code nothing is sent.
 */
export async function createPasskeyAccount(client: ImiBaseClient, p: CreatePasskeyAccountParameters): Promise<CreatePasskeyAccountReturnType> {
  const publicKey = { x: toBytes32("publicKey.x", p.publicKey.x), y: toBytes32("publicKey.y", p.publicKey.y) };
  const address = getPasskeyAccountAddress(client, { publicKey });
  const code = await client.request<string>("eth_getCode", [address, "latest"]);
  if (code !== "0x" && code !== "0x0") return { address, deployed: false };
  const result = await writeContract(client, {
    action: "createPasskeyAccount",
    account: p.account,
    contract: "passkeyAccountFactory",
    functionName: "createAccount",
    args: [publicKey.x, publicKey.y],
  });
  return { address, deployed: true, hash: result.hash, blockNumber: result.blockNumber };
}

export type GetPasskeyAccountAddressParameters = { publicKey: P256PublicKey };

/** The passkey's account address on this deployment, computed locally (no call): deployed or not. */
export function getPasskeyAccountAddress(client: ImiBaseClient, p: GetPasskeyAccountAddressParameters): Address {
  return passkeyAccountAddress({ factory: contractAddress(client, "passkeyAccountFactory"), publicKey: p.publicKey });
}
