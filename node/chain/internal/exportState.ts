// The whole state of the chain at its head as a genesis alloc (address → nonce, balance, code,
// storage), for a network that continues from it (Besu, or any engine that reads a geth-style
// genesis).
//
// The state trie hashes its keys (keccak of the address, keccak of the slot), so the trie alone
// cannot name the accounts and slots it holds. The export replays every block from the genesis
// into a state held in memory and records each address and slot a transaction writes; each
// block's replayed state root must equal the sealed one. The alloc is then rebuilt into a fresh
// trie, and its root must equal the head's: that proves nothing was left out.
import { createBlockFromRLP } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, Address, bytesToHex, createAddressFromString, equalsBytes, hexToBytes, setLengthLeft } from "@ethereumjs/util";
import { createVM, runTx } from "@ethereumjs/vm";
import { NodeError } from "../../NodeError.js";
import type { GenesisAccount, GenesisConfig } from "./config.js";
import { createChainCommon } from "./crypto.js";
import { keys, readU64, type ChainStore } from "./store.js";

/** A geth-style alloc entry: every quantity 0x hex, storage slots and values 32 bytes. */
export type AllocAccount = { balance: string; nonce: string; code?: string; storage?: Record<string, string> };

export interface ExportedState {
  /** The head the state was taken at. */
  block: number;
  blockHash: string;
  stateRoot: string;
  timestamp: number;
  alloc: Record<string, AllocAccount>;
  /** How many accounts and storage slots the alloc holds. */
  accounts: number;
  slots: number;
}

const ZERO32 = new Uint8Array(32);
const hex32 = (bytes: Uint8Array) => bytesToHex(setLengthLeft(bytes, 32));
const quantity = (v: bigint) => `0x${v.toString(16)}`;

/** Writes a genesis alloc into a state manager, as the chain does for its own genesis. */
async function putAlloc(sm: MerkleStateManager, alloc: Record<string, GenesisAccount | AllocAccount>): Promise<void> {
  for (const [address, spec] of Object.entries(alloc)) {
    const addr = createAddressFromString(address);
    await sm.putAccount(addr, new Account(BigInt(spec.nonce ?? 0), BigInt(spec.balance ?? "0")));
    if (spec.code !== undefined && spec.code !== "0x") await sm.putCode(addr, hexToBytes(spec.code as `0x${string}`));
    for (const [slot, value] of Object.entries(spec.storage ?? {})) {
      await sm.putStorage(addr, setLengthLeft(hexToBytes(`0x${BigInt(slot).toString(16).padStart(64, "0")}`), 32), setLengthLeft(hexToBytes(`0x${BigInt(value).toString(16).padStart(64, "0")}`), 32));
    }
  }
}

/** Replays the chain in `store` up to its head and returns the head's state as an alloc. */
export async function exportState(store: ChainStore, genesis: GenesisConfig): Promise<ExportedState> {
  const common: Common = createChainCommon(genesis.chainId);
  const headBytes = await store.get(keys.meta("head"));
  if (headBytes === undefined) throw new NodeError("CHAIN_STORE_CORRUPT", "the chain database has no head block");
  const head = readU64(headBytes);
  const readBlock = async (n: bigint) => {
    const bytes = await store.get(keys.block(n));
    if (bytes === undefined) throw new NodeError("CHAIN_STORE_CORRUPT", `block ${n} is missing from the chain database`);
    return createBlockFromRLP(bytes, { common, skipConsensusFormatValidation: true });
  };

  const sm = new MerkleStateManager({ common });
  const touched = new Map<string, Set<string>>();
  const touch = (address: Address, slot?: Uint8Array) => {
    const key = address.toString();
    let slots = touched.get(key);
    if (slots === undefined) touched.set(key, (slots = new Set()));
    if (slot !== undefined) slots.add(hex32(slot));
  };
  // Every write of a transaction reaches the state through these four methods.
  const putAccount = sm.putAccount.bind(sm);
  const putCode = sm.putCode.bind(sm);
  const putStorage = sm.putStorage.bind(sm);
  const modifyAccountFields = sm.modifyAccountFields.bind(sm);
  sm.putAccount = async (address, account) => (touch(address), putAccount(address, account));
  sm.putCode = async (address, code) => (touch(address), putCode(address, code));
  sm.putStorage = async (address, slot, value) => (touch(address, slot), putStorage(address, slot, value));
  sm.modifyAccountFields = async (address, fields) => (touch(address), modifyAccountFields(address, fields));

  await putAlloc(sm, genesis.alloc);
  const genesisBlock = await readBlock(0n);
  if (!equalsBytes(await sm.getStateRoot(), genesisBlock.header.stateRoot)) {
    throw new NodeError("CHAIN_EXPORT_MISMATCH", "the genesis alloc does not give the stored genesis state root", { details: { block: 0 } });
  }
  // BLOCKHASH reads the hashes of earlier blocks.
  const blockchain = {
    getBlock: async (n: number) => {
      const hash = n <= Number(head) ? (await readBlock(BigInt(n))).header.hash() : ZERO32;
      return { hash: () => hash };
    },
    putBlock: async () => {},
    shallowCopy() {
      return this;
    },
  };
  const vm = await createVM({ common, stateManager: sm, blockchain: blockchain as never });
  let last = genesisBlock;
  for (let n = 1n; n <= head; n++) {
    const block = await readBlock(n);
    let gasUsed = 0n;
    await vm.evm.journal.checkpoint();
    for (const tx of block.transactions) {
      const res = await runTx(vm, { tx, block, blockGasUsed: gasUsed, skipHardForkValidation: true });
      gasUsed += res.totalGasSpent;
    }
    await vm.evm.journal.commit();
    if (!equalsBytes(await sm.getStateRoot(), block.header.stateRoot)) {
      throw new NodeError("CHAIN_EXPORT_MISMATCH", `replaying block ${n} does not give its sealed state root`, { details: { block: Number(n) } });
    }
    last = block;
    if (n % 64n === 0n) await new Promise((resolve) => setImmediate(resolve));
  }

  const alloc: Record<string, AllocAccount> = {};
  let slots = 0;
  for (const [address, touchedSlots] of [...touched].sort(([a], [b]) => a.localeCompare(b))) {
    const addr = createAddressFromString(address);
    const account = await sm.getAccount(addr);
    if (account === undefined) continue;
    const entry: AllocAccount = { balance: quantity(account.balance), nonce: quantity(account.nonce) };
    const code = await sm.getCode(addr);
    if (code.length > 0) entry.code = bytesToHex(code);
    const storage: Record<string, string> = {};
    for (const slot of [...touchedSlots].sort()) {
      const value = await sm.getStorage(addr, hexToBytes(slot as `0x${string}`));
      if (value.length > 0 && value.some((b) => b !== 0)) storage[slot] = hex32(value);
    }
    if (Object.keys(storage).length > 0) {
      entry.storage = storage;
      slots += Object.keys(storage).length;
    }
    alloc[address] = entry;
  }

  // The proof of completeness: the alloc alone gives the head's state root.
  const check = new MerkleStateManager({ common });
  await putAlloc(check, alloc);
  if (!equalsBytes(await check.getStateRoot(), last.header.stateRoot)) {
    throw new NodeError("CHAIN_EXPORT_MISMATCH", "the exported alloc does not give the head's state root", { details: { block: Number(head) } });
  }
  return {
    block: Number(head),
    blockHash: bytesToHex(last.header.hash()),
    stateRoot: bytesToHex(last.header.stateRoot),
    timestamp: Number(last.header.timestamp),
    alloc,
    accounts: Object.keys(alloc).length,
    slots,
  };
}
