import { toAddress } from "../internal/validate.js";
import type { LocalAccount } from "../keys/privateKeyToAccount.js";
import type { PasskeySignerAccount } from "../keys/passkey.js";
import type { Address } from "../types.js";

/**
 * An account the node (or a browser wallet behind EIP-1193) holds: transactions go out with
 * `eth_sendTransaction` and typed data is signed with `eth_signTypedData_v4`.
 */
export type JsonRpcAccount = { readonly type: "json-rpc"; readonly address: Address };

/** A passkey signs typed data (through its ERC-1271 account) but sends no transactions: a relayer does. */
export type ImiAccount = LocalAccount | JsonRpcAccount | PasskeySignerAccount;

export function jsonRpcAccount(address: Address): JsonRpcAccount {
  return Object.freeze({ type: "json-rpc" as const, address: toAddress("account", address) });
}
