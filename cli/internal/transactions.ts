// Signing a contract call locally without sending it: the registrar's registration goes to the
// gateway as a signed transaction (the gateway checks it and broadcasts it together with the vault
// write), and the governor's AccessManager calls have no SDK action of their own.
import { Transaction } from "ethers";
import type { ImiClient } from "@imi-ledger/sdk";
import type { LocalAccount } from "@imi-ledger/sdk";
import { toImiError } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";

export async function signCall(client: ImiClient, account: LocalAccount, to: string, data: Hex, nonce?: number): Promise<string> {
  await client.verifyChain();
  let gas: bigint;
  let gasPrice: bigint;
  let pending: number;
  try {
    const [estimate, price, count] = await Promise.all([
      client.request<string>("eth_estimateGas", [{ from: account.address, to, data }]),
      client.request<string>("eth_gasPrice"),
      nonce === undefined ? client.request<string>("eth_getTransactionCount", [account.address, "pending"]) : Promise.resolve(String(nonce)),
    ]);
    gas = (BigInt(estimate) * 13n) / 10n + 10_000n;
    gasPrice = BigInt(price);
    pending = Number(BigInt(count));
  } catch (error) {
    throw toImiError(error);
  }
  const tx = Transaction.from({ type: 0, chainId: client.chainId, nonce: pending, gasLimit: gas, gasPrice, to, data, value: 0n });
  tx.signature = account.signDigest(tx.unsignedHash as Hex);
  return tx.serialized;
}

/** Signs, sends and waits for the receipt; a revert comes back as the SDK's named error. */
export async function sendCall(client: ImiClient, account: LocalAccount, to: string, data: Hex): Promise<{ hash: Hex; blockNumber: number }> {
  const raw = await signCall(client, account, to, data);
  let hash: Hex;
  try {
    hash = await client.request<Hex>("eth_sendRawTransaction", [raw]);
  } catch (error) {
    throw toImiError(error, { sending: true });
  }
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    const receipt = await client.request<{ status: string; blockNumber: string } | null>("eth_getTransactionReceipt", [hash]);
    if (receipt) {
      if (receipt.status !== "0x1") {
        try {
          await client.request("eth_call", [{ from: account.address, to, data }, receipt.blockNumber]);
        } catch (error) {
          throw toImiError(error);
        }
      }
      return { hash, blockNumber: Number(BigInt(receipt.blockNumber)) };
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
