import { RLP } from "@ethereumjs/rlp";
import { createBlockFromRLP, createBlockHeader, type Block, type BlockHeader, type HeaderData } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import type { Log } from "@ethereumjs/evm";
import { bigIntToUnpaddedBytes, bytesToBigInt, concatBytes, equalsBytes } from "@ethereumjs/util";
import { NodeError } from "../../NodeError.js";
import { keccak256, recoverSigner, signDigest } from "./crypto.js";
import { keys, type ChainStore } from "./store.js";

/**
 * The seal: extraData = 32 bytes of vanity ‖ 65-byte validator signature (r ‖ s ‖ recovery id)
 * over the hash of the header whose extraData is the vanity alone (the Clique layout, on a
 * current fork; Clique itself stops at London).
 */
export const SEAL_VANITY = new Uint8Array(32);
new TextEncoder().encodeInto("imi-ledger", SEAL_VANITY);
const SEAL_LENGTH = 65;
const EXTRA_DATA_INDEX = 12;

function sealDigest(raw: Uint8Array[]): Uint8Array {
  const unsealed = raw.slice();
  unsealed[EXTRA_DATA_INDEX] = raw[EXTRA_DATA_INDEX]!.subarray(0, SEAL_VANITY.length);
  return keccak256(RLP.encode(unsealed));
}

export function sealHeader(data: HeaderData, common: Common, validatorKey: Uint8Array): BlockHeader {
  // Post-merge format checks cap extraData at 32 bytes; the seal needs 97.
  const opts = { common, skipConsensusFormatValidation: true };
  const unsealed = createBlockHeader({ ...data, extraData: SEAL_VANITY }, opts);
  const signature = signDigest(unsealed.hash(), validatorKey);
  return createBlockHeader({ ...data, extraData: concatBytes(SEAL_VANITY, signature) }, opts);
}

/** Address that sealed the header, or undefined when the seal is missing or malformed. */
export function sealSigner(header: BlockHeader): string | undefined {
  if (header.extraData.length !== SEAL_VANITY.length + SEAL_LENGTH) return undefined;
  const raw = header.raw() as Uint8Array[];
  return recoverSigner(sealDigest(raw), header.extraData.subarray(SEAL_VANITY.length));
}

/** A receipt as the node stores it; bloom and derived fields are recomputed when served. */
export interface StoredReceipt {
  status: 0 | 1;
  cumulativeGasUsed: bigint;
  gasUsed: bigint;
  logs: Log[];
  contractAddress: Uint8Array | undefined;
}

export function encodeReceipts(receipts: StoredReceipt[]): Uint8Array {
  return RLP.encode(
    receipts.map((r) => [
      r.status === 1 ? Uint8Array.of(1) : new Uint8Array(),
      bigIntToUnpaddedBytes(r.cumulativeGasUsed),
      bigIntToUnpaddedBytes(r.gasUsed),
      r.logs,
      r.contractAddress ?? new Uint8Array(),
    ]),
  );
}

export function decodeReceipts(bytes: Uint8Array): StoredReceipt[] {
  const list = RLP.decode(bytes) as unknown as [Uint8Array, Uint8Array, Uint8Array, Log[], Uint8Array][];
  return list.map(([status, cumulative, gasUsed, logs, contract]) => ({
    status: status.length > 0 && status[0] === 1 ? 1 : 0,
    cumulativeGasUsed: bytesToBigInt(cumulative),
    gasUsed: bytesToBigInt(gasUsed),
    logs,
    contractAddress: contract.length === 20 ? contract : undefined,
  }));
}

/** A block with what serving it needs: its hash, receipts and recovered senders. */
export interface BlockRecord {
  block: Block;
  hash: Uint8Array;
  receipts: StoredReceipt[];
  senders: Uint8Array[];
}

/** Reads a block from disk and checks it: hash index, seal, receipts. */
export async function readBlockRecord(store: ChainStore, common: Common, number: bigint, validator: string): Promise<BlockRecord> {
  const bytes = await store.get(keys.block(number));
  const receiptBytes = await store.get(keys.receipts(number));
  if (bytes === undefined || receiptBytes === undefined) {
    throw new NodeError("CHAIN_STORE_CORRUPT", `block ${number} is missing from the chain database`);
  }
  const block = createBlockFromRLP(bytes, { common, skipConsensusFormatValidation: true });
  const hash = block.header.hash();
  if (number === 0n) {
    const genesisHash = await store.get(keys.meta("genesisHash"));
    if (genesisHash === undefined || !equalsBytes(genesisHash, hash)) {
      throw new NodeError("CHAIN_STORE_CORRUPT", "the stored genesis block does not match its recorded hash");
    }
  } else {
    const signer = sealSigner(block.header);
    if (signer !== validator) {
      throw new NodeError("CHAIN_BAD_SEAL", `block ${number} is not sealed by the validator ${validator}`, { details: { number: Number(number), signer } });
    }
  }
  const receipts = decodeReceipts(receiptBytes);
  if (receipts.length !== block.transactions.length) {
    throw new NodeError("CHAIN_STORE_CORRUPT", `block ${number} has ${block.transactions.length} transactions but ${receipts.length} receipts`);
  }
  const senders = block.transactions.map((tx) => tx.getSenderAddress().bytes);
  return { block, hash, receipts, senders };
}
