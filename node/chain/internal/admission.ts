import type { Common } from "@ethereumjs/common";
import { Capability, createTxFromRLP, paramsTx, TransactionType, type TypedTransaction } from "@ethereumjs/tx";
import { bigIntToUnpaddedBytes, equalsBytes, hexToBytes, setLengthLeft, type Address } from "@ethereumjs/util";
import type { RunTxResult } from "@ethereumjs/vm";
import { NodeError } from "../../NodeError.js";

// What admission checks a transaction against before the pool takes it, and the AccountRules
// call that decides permissioning when a rules contract is set.

/** Largest transaction accepted, in bytes (geth's limit). */
export const MAX_TX_BYTES = 128 * 1024;
/** How far ahead of the account nonce a queued transaction may be. */
export const MAX_NONCE_GAP = 1024n;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function feeFields(tx: TypedTransaction): { feeCap: bigint; tip: bigint } {
  if (tx.supports(Capability.EIP1559FeeMarket)) {
    const t = tx as unknown as { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
    return { feeCap: t.maxFeePerGas, tip: t.maxPriorityFeePerGas };
  }
  const price = (tx as unknown as { gasPrice: bigint }).gasPrice;
  return { feeCap: price, tip: price };
}

/**
 * A Common for decoding transactions that every transaction shares. A transaction copies the
 * Common it is given and merges ethereumjs's transaction parameters into the copy by a JSON
 * round trip (twice for a legacy one); at a few thousand transactions a second that was several
 * per cent of the node's CPU. The parameters are merged once here; copying returns the same
 * object, which nothing changes afterwards.
 */
export function sharedTxCommon(common: Common): Common {
  const shared = common.copy();
  shared.updateParams(paramsTx);
  shared.copy = () => shared;
  shared.updateParams = () => {};
  return shared;
}

/** Decodes a raw transaction, mapping each failure to its coded error. */
export function decodeTransaction(raw: Uint8Array, common: Common, chainId: bigint): TypedTransaction {
  if (raw.length === 0) throw new NodeError("CHAIN_TX_MALFORMED", "transaction could not be decoded: empty");
  const type = raw[0]! >= 0xc0 ? 0 : raw[0]!;
  if (type !== TransactionType.Legacy && type !== TransactionType.AccessListEIP2930 && type !== TransactionType.FeeMarketEIP1559) {
    throw new NodeError("CHAIN_TX_TYPE_UNSUPPORTED", `transaction type not supported: ${type}`);
  }
  let tx: TypedTransaction;
  try {
    tx = createTxFromRLP(raw, { common });
  } catch (cause) {
    const message = (cause as Error).message ?? "";
    if (/chain ?id/i.test(message)) {
      throw new NodeError("CHAIN_TX_WRONG_CHAIN", `invalid chain id: this chain is ${chainId}`, { cause });
    }
    if (/signature|s-value|v value/i.test(message)) throw new NodeError("CHAIN_TX_INVALID_SIGNATURE", "invalid transaction signature", { cause });
    throw new NodeError("CHAIN_TX_MALFORMED", `transaction could not be decoded: ${message.split("\n")[0]}`, { cause });
  }
  if (type === TransactionType.Legacy && !tx.supports(Capability.EIP155ReplayProtection)) {
    throw new NodeError("CHAIN_TX_UNPROTECTED", "only replay-protected (EIP-155) transactions allowed over RPC");
  }
  if (type !== TransactionType.Legacy && (tx as unknown as { chainId: bigint }).chainId !== chainId) {
    throw new NodeError("CHAIN_TX_WRONG_CHAIN", `invalid chain id: this chain is ${chainId}`);
  }
  return tx;
}

/**
 * The calldata of AccountRules.transactionAllowed(address,address,uint256,uint256,uint256,bytes)
 * for `tx`: Besu's account permissioning interface.
 */
export function rulesCallData(tx: TypedTransaction, sender: Address): Uint8Array {
  const selector = hexToBytes("0x936421d5");
  const gasPrice = "gasPrice" in tx ? (tx.gasPrice as bigint) : (tx as { maxFeePerGas: bigint }).maxFeePerGas;
  const word = (v: bigint | Uint8Array) => setLengthLeft(typeof v === "bigint" ? bigIntToUnpaddedBytes(v) : v, 32);
  const payload = tx.data;
  const padded = new Uint8Array(Math.ceil(payload.length / 32) * 32);
  padded.set(payload);
  return concat([
    selector,
    word(sender.bytes),
    word(tx.to?.bytes ?? new Uint8Array(20)),
    word(tx.value),
    word(gasPrice),
    word(tx.gasLimit),
    word(192n),
    word(BigInt(payload.length)),
    padded,
  ]);
}

/** Whether an executed transaction may have changed permissioning: it called or logged from the rules contract. */
export function touchesRules(rules: Address | undefined, tx: TypedTransaction, res: Pick<RunTxResult, "receipt">): boolean {
  if (rules === undefined) return false;
  if (tx.to !== undefined && tx.to.equals(rules)) return true;
  return res.receipt.logs.some(([address]) => equalsBytes(address, rules.bytes));
}
