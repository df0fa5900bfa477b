// Signing a contract call locally without sending it: the registrar's registration goes to the
// gateway as a signed transaction (the gateway checks it and broadcasts it together with the vault
// write). Calls the CLI sends itself go through the SDK's actions.
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
