import type { TypedTransaction } from "@ethereumjs/tx";
import { Capability } from "@ethereumjs/tx";
import { bigIntToHex, bytesToHex, intToHex } from "@ethereumjs/util";
import { Bloom } from "@ethereumjs/vm";
import type { Common } from "@ethereumjs/common";
import type { BlockRecord } from "./blocks.js";

/** Ethereum JSON-RPC objects (blocks, transactions, receipts, logs) as clients expect them. */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const sizes = new WeakMap<BlockRecord, number>();

function blockSize(record: BlockRecord): number {
  let size = sizes.get(record);
  if (size === undefined) {
    size = record.block.serialize().length;
    sizes.set(record, size);
  }
  return size;
}

export function formatHeader(record: BlockRecord): Record<string, Json> {
  const h = record.block.header;
  return {
    number: bigIntToHex(h.number),
    hash: bytesToHex(record.hash),
    parentHash: bytesToHex(h.parentHash),
    nonce: bytesToHex(h.nonce),
    mixHash: bytesToHex(h.mixHash),
    sha3Uncles: bytesToHex(h.uncleHash),
    logsBloom: bytesToHex(h.logsBloom),
    transactionsRoot: bytesToHex(h.transactionsTrie),
    stateRoot: bytesToHex(h.stateRoot),
    receiptsRoot: bytesToHex(h.receiptTrie),
    miner: h.coinbase.toString(),
    difficulty: "0x0",
    totalDifficulty: "0x0",
    extraData: bytesToHex(h.extraData),
    gasLimit: bigIntToHex(h.gasLimit),
    gasUsed: bigIntToHex(h.gasUsed),
    timestamp: bigIntToHex(h.timestamp),
    baseFeePerGas: bigIntToHex(h.baseFeePerGas ?? 0n),
    withdrawalsRoot: bytesToHex(h.withdrawalsRoot!),
    blobGasUsed: bigIntToHex(h.blobGasUsed ?? 0n),
    excessBlobGas: bigIntToHex(h.excessBlobGas ?? 0n),
    parentBeaconBlockRoot: bytesToHex(h.parentBeaconBlockRoot!),
  };
}

export function formatBlock(record: BlockRecord, full: boolean): Record<string, Json> {
  return {
    ...formatHeader(record),
    size: intToHex(blockSize(record)),
    transactions: record.block.transactions.map((tx, i) => (full ? formatTx(tx, record.senders[i]!, record, i) : bytesToHex(tx.hash()))),
    uncles: [],
    withdrawals: [],
  };
}

function effectiveGasPrice(tx: TypedTransaction, baseFee: bigint): bigint {
  if (tx.supports(Capability.EIP1559FeeMarket)) {
    const t = tx as unknown as { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
    const price = baseFee + t.maxPriorityFeePerGas;
    return price < t.maxFeePerGas ? price : t.maxFeePerGas;
  }
  return (tx as unknown as { gasPrice: bigint }).gasPrice;
}

export function formatTx(tx: TypedTransaction, from: Uint8Array, record: BlockRecord | undefined, index: number | undefined): Record<string, Json> {
  const baseFee = record?.block.header.baseFeePerGas ?? 0n;
  const out: Record<string, Json> = {
    blockHash: record === undefined ? null : bytesToHex(record.hash),
    blockNumber: record === undefined ? null : bigIntToHex(record.block.header.number),
    blockTimestamp: record === undefined ? null : bigIntToHex(record.block.header.timestamp),
    transactionIndex: index === undefined ? null : intToHex(index),
    hash: bytesToHex(tx.hash()),
    from: bytesToHex(from),
    to: tx.to === undefined ? null : tx.to.toString(),
    nonce: bigIntToHex(tx.nonce),
    gas: bigIntToHex(tx.gasLimit),
    value: bigIntToHex(tx.value),
    input: bytesToHex(tx.data),
    type: intToHex(tx.type),
    gasPrice: bigIntToHex(record === undefined && tx.supports(Capability.EIP1559FeeMarket) ? (tx as unknown as { maxFeePerGas: bigint }).maxFeePerGas : effectiveGasPrice(tx, baseFee)),
    v: bigIntToHex(tx.v ?? 0n),
    r: bigIntToHex(tx.r ?? 0n),
    s: bigIntToHex(tx.s ?? 0n),
  };
  if (tx.supports(Capability.EIP1559FeeMarket)) {
    const t = tx as unknown as { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
    out.maxFeePerGas = bigIntToHex(t.maxFeePerGas);
    out.maxPriorityFeePerGas = bigIntToHex(t.maxPriorityFeePerGas);
  }
  if (tx.supports(Capability.EIP2930AccessLists)) {
    const json = tx.toJSON() as { accessList?: Json };
    out.accessList = json.accessList ?? [];
    out.yParity = bigIntToHex(tx.v ?? 0n);
  }
  const chainId = (tx as unknown as { chainId?: bigint }).chainId ?? (tx.supports(Capability.EIP155ReplayProtection) ? tx.common.chainId() : undefined);
  if (chainId !== undefined) out.chainId = bigIntToHex(chainId);
  return out;
}

export function formatLog(
  log: [Uint8Array, Uint8Array[], Uint8Array],
  record: BlockRecord,
  txIndex: number,
  logIndex: number,
): Record<string, Json> {
  return {
    address: bytesToHex(log[0]),
    topics: log[1].map((t) => bytesToHex(t)),
    data: bytesToHex(log[2]),
    blockNumber: bigIntToHex(record.block.header.number),
    blockHash: bytesToHex(record.hash),
    blockTimestamp: bigIntToHex(record.block.header.timestamp),
    transactionHash: bytesToHex(record.block.transactions[txIndex]!.hash()),
    transactionIndex: intToHex(txIndex),
    logIndex: intToHex(logIndex),
    removed: false,
  };
}

export function formatReceipt(record: BlockRecord, index: number, common: Common): Record<string, Json> {
  const tx = record.block.transactions[index]!;
  const receipt = record.receipts[index]!;
  let firstLog = 0;
  for (let i = 0; i < index; i++) firstLog += record.receipts[i]!.logs.length;
  const bloom = new Bloom(undefined, common);
  for (const log of receipt.logs) {
    bloom.add(log[0]);
    for (const topic of log[1]) bloom.add(topic);
  }
  return {
    transactionHash: bytesToHex(tx.hash()),
    transactionIndex: intToHex(index),
    blockHash: bytesToHex(record.hash),
    blockNumber: bigIntToHex(record.block.header.number),
    from: bytesToHex(record.senders[index]!),
    to: tx.to === undefined ? null : tx.to.toString(),
    cumulativeGasUsed: bigIntToHex(receipt.cumulativeGasUsed),
    gasUsed: bigIntToHex(receipt.gasUsed),
    effectiveGasPrice: bigIntToHex(effectiveGasPrice(tx, record.block.header.baseFeePerGas ?? 0n)),
    contractAddress: receipt.contractAddress === undefined ? null : bytesToHex(receipt.contractAddress),
    logs: receipt.logs.map((log, i) => formatLog(log as [Uint8Array, Uint8Array[], Uint8Array], record, index, firstLog + i)),
    logsBloom: bytesToHex(bloom.bitvector),
    type: intToHex(tx.type),
    status: receipt.status === 1 ? "0x1" : "0x0",
  };
}
