import { toAddress } from "../internal/validate.js";
import type { LocalAccount } from "../keys/privateKeyToAccount.js";
import type { Address } from "../types.js";

/**
 * An account the node (or a browser wallet behind EIP-1193) holds: transactions go out with
 * `eth_sendTransaction` and typed data is signed with `eth_signTypedData_v4`.
 */
export type JsonRpcAccount = { readonly type: "json-rpc"; readonly address: Address };

export type ImiAccount = LocalAccount | JsonRpcAccount;

export function jsonRpcAccount(address: Address): JsonRpcAccount {
  return Object.freeze({ type: "json-rpc" as const, address: toAddress("account", address) });
}
