// Admission checks a sender's permission on the durable head's state, without the lock block
// production holds, so eth_sendRawTransaction does not wait out the block in progress. What that
// check cannot see — a block that withdrew the permission, sealed but not yet on disk — must still
// keep the sender's transaction out of every block: the producer checks the entry again.
import { rm } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Transaction, Wallet, getBytes } from "ethers";
import { ChainEngine } from "../../../node/chain/internal/ChainEngine.js";
import { DEFAULT_SETTINGS, parseGenesis } from "../../../node/chain/internal/config.js";
import { ChainStore, keys, type WriteOp } from "../../../node/chain/internal/store.js";
import type { Mutex } from "../../../node/chain/internal/Mutex.js";
import { makeTempDir, quietLogger } from "./helpers.js";

// A stand-in AccountRules: any call with calldata (transactionAllowed) answers whether slot 0 is
// still zero; a transaction without calldata sets slot 0, withdrawing every sender's permission.
//   CALLDATASIZE ISZERO PUSH1 0x11 JUMPI  PUSH1 0 SLOAD ISZERO PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
//   JUMPDEST PUSH1 1 PUSH1 0 SSTORE STOP
const RULES_CODE = "0x36156011576000541560005260206000f35b600160005500";
const RULES = "0x00000000000000000000000000000000000a11e5";
const HEAD_KEY = keys.meta("head");

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);
const isBlockBatch = (ops: WriteOp[]) => ops.some((op) => op.type === "put" && sameBytes(op.key, HEAD_KEY));

let dir: string;
let store: ChainStore;
let engine: ChainEngine;
const [sender, withdrawer] = [new Wallet(Wallet.createRandom().privateKey), new Wallet(Wallet.createRandom().privateKey)];
const validator = new Wallet(Wallet.createRandom().privateKey);
/** While set, block batches wait for it before they reach the disk (a slow disk). */
let diskGate: Promise<void> | undefined;
let openDisk: () => void = () => {};
let blockWriteStarted: () => void = () => {};

beforeEach(async () => {
  dir = await makeTempDir();
  store = await ChainStore.open(dir);
  const write = store.writeSynced.bind(store);
  store.writeSynced = async (ops: WriteOp[]) => {
    if (diskGate !== undefined && isBlockBatch(ops)) {
      blockWriteStarted();
      await diskGate;
    }
    return write(ops);
  };
  engine = await ChainEngine.open(store, {
    genesis: parseGenesis({ validator: validator.address, allowlist: [sender.address, withdrawer.address], alloc: { [RULES]: { code: RULES_CODE } } }),
    validatorKey: getBytes(validator.privateKey),
    accountRules: RULES,
    batchDelayMs: 2,
    blockIntervalMs: 0,
    maxBlockTxs: DEFAULT_SETTINGS.maxBlockTxs,
    pool: DEFAULT_SETTINGS.txPool,
    logger: quietLogger,
  });
});

afterEach(async () => {
  diskGate = undefined;
  openDisk();
  await engine.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const signed = async (w: Wallet, fields: { to: string; nonce: number; data?: string }) =>
  getBytes(await w.signTransaction(Transaction.from({ ...fields, gasLimit: 100_000, gasPrice: 0, chainId: engine.chainId })));

async function until(what: string, probe: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe("admission on the durable head", () => {
  it("a sender whose permission a sealed block withdrew is admitted on the durable head but gets nothing into a block", async () => {
    diskGate = new Promise((resolve) => (openDisk = resolve));
    const started = new Promise<void>((resolve) => (blockWriteStarted = resolve));
    // Block 1 withdraws every permission; it is sealed, and waits for the disk.
    await engine.sendRawTransaction(await signed(withdrawer, { to: RULES, nonce: 0 }));
    await started;
    expect(engine.headNumber).toBe(0n);
    // The durable head (genesis) still allows the sender: admitted (acknowledged, recorded on
    // disk), without waiting for block 1.
    const hash = await engine.sendRawTransaction(await signed(sender, { to: sender.address, nonce: 0 }));
    expect(engine.headNumber).toBe(0n);
    // The producer checks it again on its own state (after block 1) and drops it.
    await until("the pool to drop the transaction", () => !engine.pool.has(hash));
    openDisk();
    diskGate = undefined;
    await until("the blocks after it to be durable", () => engine.headNumber >= 2n && engine.sealing.size === 0);
    expect(await engine.txLocation(hash)).toBeUndefined();
    expect((await engine.getAccount(sender.address, engine.headNumber)).nonce).toBe(0n);
    // Now the durable head holds the withdrawal: refused at admission.
    await expect(engine.sendRawTransaction(await signed(sender, { to: sender.address, nonce: 0, data: "0x01" }))).rejects.toMatchObject({ code: "CHAIN_TX_NOT_ALLOWED" });
  }, 60_000);

  it("admits while block production holds the producer's lock", async () => {
    // As a long block's execution does: the lock is held until the admissions below are through.
    const lock = (engine as unknown as { lock: Mutex }).lock;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    void lock.run(() => held);
    const hashes: string[] = [];
    for (let nonce = 0; nonce < 5; nonce++) hashes.push(await engine.sendRawTransaction(await signed(sender, { to: sender.address, nonce })));
    expect(engine.pool.size).toBe(5);
    expect(engine.headNumber).toBe(0n);
    release();
    await until("every transaction in a durable block", () => engine.pool.size === 0 && engine.sealing.size === 0);
    for (const hash of hashes) expect(await engine.txLocation(hash)).toBeDefined();
  }, 60_000);
});
