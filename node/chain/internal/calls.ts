import { Block, createBlockHeader } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { Caches, CacheType } from "@ethereumjs/statemanager";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { createTx, type TypedTransaction } from "@ethereumjs/tx";
import { Account, Address, bytesToHex, createAddressFromString, createZeroAddress, equalsBytes, hexToBytes, KECCAK256_RLP, setLengthLeft, ValueEncoding } from "@ethereumjs/util";
import { createVM, runTx, type RunTxResult, type VM } from "@ethereumjs/vm";
import { NodeError } from "../../NodeError.js";
import type { BlockRecord } from "./blocks.js";
import { ChainStateManager } from "./ChainStateManager.js";
import { ZERO32 } from "./genesis.js";
import { Mutex } from "./Mutex.js";
import { OverlayDB, type StateDB } from "./store.js";

// State reads, eth_call, eth_createAccessList and eth_estimateGas: all run on the state of a
// durable block, never on the producer's.

export interface CallRequest {
  from?: string;
  to?: string;
  data?: Uint8Array;
  value?: bigint;
  gas?: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  accessList?: { address: string; storageKeys: string[] }[];
  nonce?: bigint;
}

/** eth_call's third parameter for one account: applied to a throwaway copy of the state, never persisted. */
export interface AccountOverride {
  balance?: bigint;
  nonce?: bigint;
  code?: Uint8Array;
  /** Replaces the account's whole storage. */
  state?: [Uint8Array, Uint8Array][];
  /** Changes only the slots given. */
  stateDiff?: [Uint8Array, Uint8Array][];
}

/** Overrides by lower-case address. */
export type StateOverride = Map<string, AccountOverride>;

/**
 * The context of a block built on `parent` (number, time, gas limit, zero base fee), at the
 * current second or `ahead` seconds later.
 */
export function blockContext(common: Common, coinbase: Address, parentRecord: BlockRecord, ahead = 0n): Block {
  const parent = parentRecord.block.header;
  const now = BigInt(Math.floor(Date.now() / 1000));
  const header = createBlockHeader(
    {
      parentHash: parentRecord.hash,
      number: parent.number + 1n,
      timestamp: (now > parent.timestamp ? now : parent.timestamp) + ahead,
      gasLimit: parent.gasLimit,
      baseFeePerGas: parent.calcNextBaseFee(),
      coinbase: coinbase,
      withdrawalsRoot: KECCAK256_RLP,
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: ZERO32,
    },
    { common: common, skipConsensusFormatValidation: true },
  );
  return new Block(header, [], [], [], { common: common });
}

/** What the reads need from the chain. */
export interface StateSource {
  readonly common: Common;
  readonly coinbase: Address;
  readonly stateDb: StateDB;
  readonly blockchain: VM["blockchain"];
  /** The durable head. */
  head(): BlockRecord;
  blockByNumber(number: bigint): Promise<BlockRecord | undefined>;
  gasCap(): bigint;
}

/** Runs reads and calls against the state after a durable block. */
export class StateReader {
  private reader: { hash: Uint8Array; vm: Promise<VM>; db: OverlayDB; lock: Mutex } | undefined;
  /**
   * The head's reader VM keeps the trie nodes its calls wrote (they die with it, see OverlayDB);
   * one that has written this many is replaced, so a head that stays put under a stream of calls
   * does not hold them without bound (about 0.5 kB each).
   */
  static readonly MAX_CALL_NODES = 50_000;

  constructor(private readonly chain: StateSource) {}

  /** Forgets the head's reader VM (after the state went back to an older head). */
  reset(): void {
    this.reader = undefined;
  }

  private context(parent: BlockRecord, ahead = 0n): Block {
    return blockContext(this.chain.common, this.chain.coinbase, parent, ahead);
  }

  /**
   * Runs `fn` against the state after block `number`. Reads never use the producer's VM: its
   * state may already hold a sealed block that is not on disk, and a read must not show what a
   * crash could still undo. The durable head gets one reader VM (rebuilt when the head moves);
   * older blocks get a throwaway one. Trie nodes are never deleted, so every block's state stays
   * readable.
   */
  async withState<T>(number: bigint, fn: (vm: VM, block: Block, parent: BlockRecord) => Promise<T>): Promise<T> {
    const head = this.chain.head();
    if (number >= head.block.header.number) {
      if (this.reader === undefined || !equalsBytes(this.reader.hash, head.hash) || this.reader.db.size > StateReader.MAX_CALL_NODES) {
        const db = new OverlayDB(this.chain.stateDb);
        this.reader = { hash: head.hash, vm: this.stateVm(head, db, 20_000), db, lock: new Mutex() };
      }
      const reader = this.reader;
      const context = this.context(head);
      return reader.lock.run(async () => fn(await reader.vm, context, head));
    }
    const record = await this.chain.blockByNumber(number);
    if (record === undefined) throw new NodeError("CHAIN_BLOCK_NOT_FOUND", `block ${number} not found`);
    return fn(await this.stateVm(record, new OverlayDB(this.chain.stateDb), 0), this.context(record), record);
  }

  /** A VM on the state after `record`; what its calls write stays in `db`, never in the chain's state database. */
  private async stateVm(record: BlockRecord, db: OverlayDB, cacheSize: number): Promise<VM> {
    // A Common of its own: ethereumjs's EVM subscribes to its Common's "hardforkChanged" event and
    // never unsubscribes, so every reader VM built on the chain's shared Common stayed reachable
    // from it after it was replaced, with its caches (about 650 kB each): a new one for every head
    // a call reads made the node's live heap grow with the blocks (docs/scale.md, "memory").
    const common = this.chain.common.copy();
    const trie = new MerklePatriciaTrie({ db, useKeyHashing: true, valueEncoding: ValueEncoding.Bytes, common, root: record.block.header.stateRoot, cacheSize });
    const stateManager = new ChainStateManager({
      common,
      trie,
      caches: cacheSize > 0 ? new Caches({ account: { type: CacheType.LRU, size: 1_000 }, storage: { type: CacheType.LRU, size: 5_000 }, code: { type: CacheType.LRU, size: 100 } }) : undefined,
    });
    return createVM({ common, stateManager, blockchain: this.chain.blockchain });
  }

  async getAccount(address: string, number: bigint): Promise<Account> {
    return this.withState(number, async (vm) => (await vm.stateManager.getAccount(createAddressFromString(address))) ?? new Account());
  }

  async getCode(address: string, number: bigint): Promise<Uint8Array> {
    return this.withState(number, (vm) => vm.stateManager.getCode(createAddressFromString(address)));
  }

  async getStorageAt(address: string, slot: Uint8Array, number: bigint): Promise<Uint8Array> {
    return this.withState(number, async (vm) => setLengthLeft(await vm.stateManager.getStorage(createAddressFromString(address), setLengthLeft(slot, 32)), 32));
  }

  /** eth_call: runs the request on a throwaway checkpoint and returns the result. */
  async call(req: CallRequest, number: bigint, overrides?: StateOverride): Promise<RunTxResult> {
    return this.withState(number, (vm, block) => withOverrides(vm, overrides, () => runCallTx(vm, block, this.chain.common, req, this.chain.gasCap())));
  }

  /**
   * eth_createAccessList: the addresses and slots the call touches besides its sender, its target
   * and the precompiles, and the gas the call uses with that list (geth's iteration: the list is
   * recomputed with itself applied until it no longer changes).
   */
  async createAccessList(req: CallRequest, number: bigint, overrides?: StateOverride): Promise<{ accessList: { address: string; storageKeys: string[] }[]; gasUsed: bigint; error?: string }> {
    const skip = new Set([req.from ?? bytesToHex(new Uint8Array(20)), req.to].filter((a) => a !== undefined).map((a) => a!.toLowerCase()));
    return this.withState(number, (vm, block) => withOverrides(vm, overrides, async () => {
      let list = req.accessList ?? [];
      for (let round = 0; ; round++) {
        const result = await runCallTx(vm, block, this.chain.common, { ...req, accessList: list }, this.chain.gasCap(), true);
        const next = (result.accessList ?? [])
          .map((e) => ({ address: e.address.toLowerCase(), storageKeys: e.storageKeys.map((k) => bytesToHex(setLengthLeft(hexToBytes(k as `0x${string}`), 32))) }))
          .filter((e) => !skip.has(e.address));
        if (JSON.stringify(next) === JSON.stringify(list) || round === 4) {
          const error = result.execResult.exceptionError?.error;
          return { accessList: next, gasUsed: result.totalGasSpent, ...(error !== undefined ? { error } : {}) };
        }
        list = next;
      }
    }));
  }

  /**
   * eth_estimateGas: the lowest gas limit with which the request succeeds both in a block sealed
   * this second and in one sealed the next second. Gas can depend on the time: writing
   * `block.timestamp` over a value written in the same second is a no-op store (about 2,800 gas
   * cheaper), so a limit found for this second alone can run out of gas one second later.
   */
  async estimateGas(req: CallRequest, number: bigint, overrides?: StateOverride): Promise<bigint> {
    return this.withState(number, (vm, block, parent) => withOverrides(vm, overrides, async () => {
      if (req.value !== undefined && req.value > 0n) {
        // Calls skip the balance check (every node lets eth_call move value it does not have);
        // an estimate for a transaction that cannot pay its value would be a promise it cannot keep.
        const from = req.from !== undefined ? createAddressFromString(req.from) : createZeroAddress();
        const balance = ((await vm.stateManager.getAccount(from)) ?? new Account()).balance;
        const price = req.gasPrice ?? req.maxFeePerGas ?? 0n;
        const fee = price * (req.gas ?? 0n);
        if (balance < req.value + fee) {
          throw new NodeError("CHAIN_INSUFFICIENT_FUNDS", `insufficient funds for transfer: balance ${balance}, value ${req.value}${fee > 0n ? `, fee ${fee}` : ""}`);
        }
      }
      const next = this.context(parent, 1n);
      const cap = req.gas !== undefined && req.gas < this.chain.gasCap() ? req.gas : this.chain.gasCap();
      const first = await runCallTx(vm, next, this.chain.common, { ...req, gas: cap }, cap);
      if (first.execResult.exceptionError !== undefined) return throwExecError(first);
      const ok = async (gas: bigint) => {
        for (const context of [next, block]) {
          if ((await runCallTx(vm, context, this.chain.common, { ...req, gas }, cap)).execResult.exceptionError !== undefined) return false;
        }
        return true;
      };
      // Gas before refunds is a lower bound; the 63/64 rule for calls usually needs a little more.
      let lo = first.totalGasSpent + first.gasRefund - 1n;
      let hi = ((lo + 1n) * 64n) / 63n + 5_000n;
      if (hi > cap) hi = cap;
      if (await ok(lo + 1n)) return lo + 1n;
      if (!(await ok(hi))) {
        if (!(await ok(cap))) return throwExecError(await runCallTx(vm, block, this.chain.common, { ...req, gas: cap }, cap));
        lo = hi;
        hi = cap;
      }
      while (hi - lo > 1n && hi - lo > hi / 1000n) {
        const mid = (lo + hi) / 2n;
        if (await ok(mid)) hi = mid;
        else lo = mid;
      }
      return hi;
    }));
  }
}

/**
 * Runs `fn` with the overrides applied on a journal checkpoint that is always reverted, so they
 * never reach the trie on disk nor outlive the request.
 */
async function withOverrides<T>(vm: VM, overrides: StateOverride | undefined, fn: () => Promise<T>): Promise<T> {
  if (overrides === undefined || overrides.size === 0) return fn();
  const sm = vm.stateManager;
  await vm.evm.journal.checkpoint();
  try {
    for (const [address, o] of overrides) {
      const addr = createAddressFromString(address);
      const account = (await sm.getAccount(addr)) ?? new Account();
      if (o.balance !== undefined) account.balance = o.balance;
      if (o.nonce !== undefined) account.nonce = o.nonce;
      await sm.putAccount(addr, account);
      if (o.code !== undefined) await sm.putCode(addr, o.code);
      if (o.state !== undefined) await sm.clearStorage(addr);
      for (const [slot, value] of o.state ?? o.stateDiff ?? []) await sm.putStorage(addr, slot, value);
    }
    return await fn();
  } finally {
    await vm.evm.journal.revert();
  }
}

function buildCallTx(req: CallRequest, base: { to: Address | undefined; data: Uint8Array | undefined; value: bigint; gasLimit: bigint; nonce: bigint }, common: Common): TypedTransaction {
  return req.accessList !== undefined || req.maxFeePerGas !== undefined || req.maxPriorityFeePerGas !== undefined
    ? createTx(
        {
          ...base,
          type: 2,
          maxFeePerGas: req.maxFeePerGas ?? 0n,
          maxPriorityFeePerGas: req.maxPriorityFeePerGas ?? 0n,
          accessList: (req.accessList ?? []) as never,
        },
        { common, freeze: false },
      )
    : createTx({ ...base, gasPrice: req.gasPrice ?? 0n }, { common, freeze: false });
}

export async function runCallTx(vm: VM, block: Block, common: Common, req: CallRequest, cap: bigint, reportAccessList = false): Promise<RunTxResult> {
  const sender = req.from !== undefined ? createAddressFromString(req.from) : createZeroAddress();
  const gasLimit = req.gas !== undefined && req.gas <= cap ? req.gas : cap;
  const account = (await vm.stateManager.getAccount(sender)) ?? new Account();
  const base = {
    to: req.to !== undefined ? createAddressFromString(req.to) : undefined,
    data: req.data,
    value: req.value ?? 0n,
    gasLimit,
    nonce: account.nonce,
  };
  // The call transaction is built from the caller's parameters alone: whatever its constructor
  // refuses is the caller's mistake (-32602 with the reason), not a fault of the node.
  let tx: TypedTransaction;
  try {
    tx = buildCallTx(req, base, common);
  } catch (cause) {
    throw new NodeError("RPC_INVALID_PARAMS", `invalid params: ${(cause as Error).message.split("\n")[0]}`, { cause });
  }
  // Calls are unsigned: the sender is whoever the caller says, as every node does for eth_call.
  (tx as { getSenderAddress: () => Address }).getSenderAddress = () => sender;
  await vm.evm.journal.checkpoint();
  try {
    return await runTx(vm, { tx, block, skipBalance: true, skipNonce: true, skipBlockGasLimitValidation: true, skipHardForkValidation: true, reportAccessList });
  } catch (cause) {
    throw new NodeError("CHAIN_CALL_INVALID", `call failed: ${(cause as Error).message.split("\n")[0]}`, { cause });
  } finally {
    await vm.evm.journal.revert();
  }
}

/** Turns a failed execution into the coded error JSON-RPC reports (revert data kept). */
export function throwExecError(result: RunTxResult): never {
  const error = result.execResult.exceptionError!;
  if (error.error === "revert") {
    throw new NodeError("CHAIN_EXECUTION_REVERTED", "execution reverted", { details: { data: bytesToHex(result.execResult.returnValue) } });
  }
  throw new NodeError("CHAIN_EXECUTION_FAILED", `execution failed: ${error.error}`);
}
