// A fee float for accounts allowed after the genesis.
//
// The accounts allowlisted in the genesis hold FEE_FLOAT_WEI (docs/chain.md, "Permissioning and
// fees") so that standard clients, which pay a tip even at a zero base fee, can send. An account
// allowed later (a registrar, an issuer, an agency, the services account) starts with nothing, and
// on a network that suggests a gas price (Besu with a minimum price, anvil's 1 gwei) cannot send at
// all. The account that allows it (the governor) therefore sends it a float from its own, right
// after the allowing transaction and through the same client, so the two share one nonce counter.
// A balance admits no one: permissioning decides first, whatever an account holds.
import { Transaction } from "ethers";
import type { Hex, ImiClient, LocalAccount } from "@imi-ledger/sdk";
import { NodeError } from "../NodeError.js";

/**
 * A millionth of the genesis float (FEE_FLOAT_WEI, 10^30): 10^24 wei still pays a 1-gwei tip on a
 * 10M-gas transaction 10^8 times, and the governor's genesis float covers a million such accounts.
 * Written out rather than imported so `imi roles grant` does not load the chain engine.
 */
export const LATER_FEE_FLOAT_WEI = 10n ** 24n;

export type FeeFloatResult = { hash?: Hex; skipped?: "FUNDED" | "FUNDER_EMPTY" | "CONTRACT" };

/**
 * Sends `to` {@link LATER_FEE_FLOAT_WEI} from `client`'s account unless it holds at least half of
 * that already or is a contract. A funder that cannot spare it sends nothing (`FUNDER_EMPTY`): the account can still
 * send on a chain with a zero gas price, and an operator funds it otherwise.
 */
export async function topUpFeeFloat(client: ImiClient, funder: LocalAccount, to: string): Promise<FeeFloatResult> {
  const balanceOf = async (address: string) => BigInt(await client.request<string>("eth_getBalance", [address, "latest"]));
  // A contract (a smart account) sends no transactions of its own, and may refuse a plain transfer.
  if ((await client.request<string>("eth_getCode", [to, "latest"])) !== "0x") return { skipped: "CONTRACT" };
  if ((await balanceOf(to)) >= LATER_FEE_FLOAT_WEI / 2n) return { skipped: "FUNDED" };
  const gasPrice = BigInt(await client.request<string>("eth_gasPrice"));
  if ((await balanceOf(funder.address)) < LATER_FEE_FLOAT_WEI + 21_000n * gasPrice) return { skipped: "FUNDER_EMPTY" };
  const fetchNonce = async () => Number(BigInt(await client.request<string>("eth_getTransactionCount", [funder.address, "pending"])));
  const hash = await client.nonces.send(
    funder.address,
    fetchNonce,
    async (nonce) => {
      const tx = Transaction.from({ type: 0, chainId: client.chainId, nonce, gasLimit: 21_000n, gasPrice, to, value: LATER_FEE_FLOAT_WEI });
      tx.signature = funder.signDigest(tx.unsignedHash as Hex);
      return client.request<Hex>("eth_sendRawTransaction", [tx.serialized]);
    },
    (error) => /nonce/i.test(String((error as Error | undefined)?.message)),
  );
  // Waited for, so the account can send as soon as the caller returns.
  for (let i = 0; i < 600; i++) {
    const receipt = await client.request<{ status: string } | null>("eth_getTransactionReceipt", [hash]);
    if (receipt) {
      if (receipt.status !== "0x1") throw new NodeError("FEE_FLOAT_FAILED", `the fee float for ${to} was not paid (transaction ${hash} failed)`, { details: { account: to, hash } });
      return { hash };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new NodeError("FEE_FLOAT_FAILED", `the fee float for ${to} was sent (${hash}) but no block holds it after 60 s`, { details: { account: to, hash } });
}
