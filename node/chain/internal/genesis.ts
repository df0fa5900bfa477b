import { Block, createBlockHeader, type BlockHeader } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, createAddressFromString, hexToBytes, KECCAK256_RLP, setLengthLeft } from "@ethereumjs/util";
import { NodeError } from "../../NodeError.js";
import { encodeReceipts, type BlockRecord } from "./blocks.js";
import { genesisToJson, type GenesisConfig } from "./config.js";
import { keys, u64, type ChainStore, type StateDB } from "./store.js";

// Creating a chain and checking that a data directory holds the chain a caller asked for.

export const ZERO32 = new Uint8Array(32);

function padHex(v: bigint): `0x${string}` {
  const hex = v.toString(16);
  return `0x${hex.length % 2 === 1 ? "0" : ""}${hex}`;
}

export async function checkSameGenesis(stored: GenesisConfig, given: GenesisConfig, _store: ChainStore): Promise<void> {
  if (stored.chainId !== given.chainId) {
    throw new NodeError(
      "CHAIN_GENESIS_MISMATCH",
      `genesis: the data directory belongs to chain id ${stored.chainId}, but the genesis given is for chain id ${given.chainId}. Use another --data-dir or the original genesis.`,
      { details: { stored: stored.chainId, given: given.chainId } },
    );
  }
  if (genesisToJson(stored) !== genesisToJson(given)) {
    throw new NodeError(
      "CHAIN_GENESIS_MISMATCH",
      `genesis: the data directory belongs to another genesis of chain id ${stored.chainId}. Use another --data-dir or the original genesis.`,
      { details: { chainId: stored.chainId } },
    );
  }
}

export async function writeGenesis(genesis: GenesisConfig, common: Common, sm: MerkleStateManager, stateDb: StateDB, store: ChainStore): Promise<BlockRecord> {
  for (const [address, spec] of Object.entries(genesis.alloc)) {
    const addr = createAddressFromString(address);
    await sm.putAccount(addr, new Account(BigInt(spec.nonce ?? 0), BigInt(spec.balance ?? "0")));
    if (spec.code !== undefined) await sm.putCode(addr, hexToBytes(spec.code as `0x${string}`));
    for (const [slot, value] of Object.entries(spec.storage ?? {})) {
      await sm.putStorage(addr, setLengthLeft(hexToBytes(padHex(BigInt(slot))), 32), hexToBytes(padHex(BigInt(value))));
    }
  }
  const stateRoot = await sm.getStateRoot();
  const header: BlockHeader = createBlockHeader(
    {
      number: 0n,
      gasLimit: BigInt(genesis.gasLimit),
      timestamp: BigInt(genesis.timestamp),
      baseFeePerGas: 0n,
      stateRoot,
      difficulty: 0n,
      withdrawalsRoot: KECCAK256_RLP,
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: ZERO32,
    },
    { common, skipConsensusFormatValidation: true },
  );
  const block = new Block(header, [], [], [], { common });
  const hash = header.hash();
  const { ops, settle } = stateDb.drain(stateRoot);
  ops.push({ type: "put", key: keys.block(0n), value: block.serialize() });
  ops.push({ type: "put", key: keys.hash(hash), value: u64(0) });
  ops.push({ type: "put", key: keys.receipts(0n), value: encodeReceipts([]) });
  ops.push({ type: "put", key: keys.meta("genesisHash"), value: hash });
  ops.push({ type: "put", key: keys.meta("genesis"), value: new TextEncoder().encode(genesisToJson(genesis)) });
  ops.push({ type: "put", key: keys.meta("head"), value: u64(0) });
  await store.writeSynced(ops);
  settle();
  return { block, hash, receipts: [], senders: [] };
}
