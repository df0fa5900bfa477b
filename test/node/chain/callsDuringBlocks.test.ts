// Regression: eth_call / eth_estimateGas that write storage, run while blocks are sealed, took the
// node down with an unhandled rejection ("Stack underflow" in the trie). The call's VM wrote its
// storage tries into the producer's pending trie writes; sealing a block hands those to disk and
// forgets what the new state root does not reach, so the call's next SSTORE walked from a root
// whose node was gone. ethereumjs's storage write does not await its trie update, so the failure
// was a rejection nobody handled, and the call never answered.
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, toBeHex, zeroPadValue } from "ethers";
import { Block, createBlockHeader } from "@ethereumjs/block";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, createAddressFromString, createZeroAddress, hexToBytes, ValueEncoding } from "@ethereumjs/util";
import { StateReader } from "../../../node/chain/internal/calls.js";
import { createChainCommon, initHashing } from "../../../node/chain/internal/crypto.js";
import { ZERO32 } from "../../../node/chain/internal/genesis.js";
import { ChainStore, StateDB } from "../../../node/chain/internal/store.js";
import { makeTempDir, startTestChain, type TestChain } from "./helpers.js";

// Runtime: base = calldata[0:32]; SSTORE(base + i, base + i + 1) for i in 0..15 (16 new slots a call).
const RUNTIME = "600035" + Array.from({ length: 16 }, (_, i) => `8060${(i + 1).toString(16).padStart(2, "0")}018160${i.toString(16).padStart(2, "0")}0155`).join("") + "00";
const INIT = `0x60${(RUNTIME.length / 2).toString(16)}80600b6000396000f3${RUNTIME}`;
const word = (n: number | bigint) => zeroPadValue(toBeHex(n), 32);

let t: TestChain;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  t = await startTestChain({ accounts: 4 });
}, 60_000);
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await t?.cleanup();
});

describe("calls while blocks are sealed", () => {
  it("storage-writing eth_call and eth_estimateGas all answer while signed writes are admitted and sealed; nothing is left unhandled", async () => {
    const [a, ...senders] = t.wallets as [Wallet, ...Wallet[]];
    const writer = (await (await a.sendTransaction({ data: INIT })).wait())!.contractAddress!;
    const deployedAt = await t.provider.getBlockNumber();
    const nonces = await Promise.all(senders.map((s) => t.provider.getTransactionCount(s.address)));
    let base = 1n << 64n;
    const sends: Promise<unknown>[] = [];
    // 6 rounds of one write transaction per sender (each its own block or shared), with 24 calls
    // in flight against the head and an older block, some with state overrides.
    const answers: { result?: unknown; error?: { code: number; message: string } }[] = [];
    for (let round = 0; round < 6; round++) {
      for (const [i, s] of senders.entries()) {
        base += 16n;
        sends.push(s.sendTransaction({ to: writer, data: word(base), gasLimit: 600_000, nonce: nonces[i]!++ }).then((tx) => tx.wait()));
      }
      const calls: Promise<void>[] = [];
      for (let c = 0; c < 24; c++) {
        base += 16n;
        const req = { from: a.address, to: writer, data: word(base) };
        // Half at the head (the reader VM), half at an older block (a throwaway VM each).
        const block = c % 2 === 0 ? "latest" : `0x${deployedAt.toString(16)}`;
        const kind = Math.floor(c / 2) % 3;
        const call =
          kind === 0
            ? t.rpc("eth_estimateGas", [req, block])
            : kind === 1
              ? t.rpc("eth_call", [req, block])
              : t.rpc("eth_call", [req, block, { [writer]: { stateDiff: { [word(base)]: word(7) } } }]);
        calls.push(call.then((r) => void answers.push(r)));
      }
      await Promise.all(calls);
    }
    await Promise.all(sends);
    expect(unhandled).toEqual([]);
    expect(answers.filter((r) => r.error !== undefined)).toEqual([]);
    expect(answers).toHaveLength(6 * 24);
    // The chain sealed every write and still answers a write of its own.
    const last = await t.rpc("eth_call", [{ to: writer, data: word(base + 16n) }, "latest"]);
    expect(last.error).toBeUndefined();
  }, 240_000);

  it("a block sealed between two SSTOREs of one call does not take the call's trie nodes (call at the head and at an older block); a trie failure fails the call only", async () => {
    // Under load the producer seals blocks while a call waits on the disk between two SSTOREs; here
    // the call's BLOCKHASH lookup is where the block is sealed, so the interleaving is certain.
    await initHashing();
    const dir = await makeTempDir();
    const store = await ChainStore.open(dir);
    try {
      const common = createChainCommon(1337);
      const stateDb = new StateDB(store);
      const writer = createAddressFromString("0x00000000000000000000000000000000000c0de1");
      // SSTORE(1, 1); BLOCKHASH(0); SSTORE(2, 2)
      const runtime = hexToBytes("0x600160015560004050600260025500");
      const sm = new MerkleStateManager({ common, trie: new MerklePatriciaTrie({ db: stateDb, useKeyHashing: true, valueEncoding: ValueEncoding.Bytes, common }) });
      await sm.putAccount(writer, new Account());
      await sm.putCode(writer, runtime);
      // The same code over a storage root whose node the database does not hold.
      const broken = createAddressFromString("0x00000000000000000000000000000000000c0de2");
      await sm.putAccount(broken, new Account());
      await sm.putCode(broken, runtime);
      const account = (await sm.getAccount(broken))!;
      account.storageRoot = hexToBytes(`0x${"ab".repeat(32)}`);
      await sm.putAccount(broken, account);
      const stateRoot = await sm.getStateRoot();
      const genesis = stateDb.drain(stateRoot);
      await store.writeSynced(genesis.ops);
      genesis.settle();
      const header = createBlockHeader({ number: 0n, stateRoot, gasLimit: 30_000_000n, baseFeePerGas: 0n, parentBeaconBlockRoot: ZERO32 }, { common, skipConsensusFormatValidation: true });
      const record = { block: new Block(header, [], [], [], { common }), hash: header.hash(), receipts: [], senders: [] };
      const headHeader = createBlockHeader({ number: 1n, parentHash: record.hash, stateRoot, gasLimit: 30_000_000n, baseFeePerGas: 0n, parentBeaconBlockRoot: ZERO32 }, { common, skipConsensusFormatValidation: true });
      const head = { block: new Block(headHeader, [], [], [], { common }), hash: headHeader.hash(), receipts: [], senders: [] };
      let sealed = 0;
      const reader = new StateReader({
        common,
        coinbase: createZeroAddress(),
        stateDb,
        blockchain: {
          // A block sealed now: its batch takes the pending trie writes its own root reaches.
          getBlock: async () => {
            stateDb.drain(stateRoot).settle();
            sealed++;
            return { hash: () => ZERO32 };
          },
          putBlock: async () => {},
          shallowCopy() {
            return this;
          },
        } as never,
        head: () => head,
        blockByNumber: async (n) => (n === 0n ? record : n === 1n ? head : undefined),
        gasCap: () => 15_000_000n,
      });
      const answer = (p: Promise<unknown>) => Promise.race([p.then(() => "answered", (err: Error) => `failed: ${err.message}`), new Promise((resolve) => setTimeout(resolve, 5_000, "no answer"))]);
      const req = { to: writer.toString() };
      // At the head (one reader VM, kept between calls) and at the older block (a throwaway VM).
      expect(await answer(reader.call(req, 1n))).toBe("answered");
      expect(await answer(reader.estimateGas(req, 1n))).toBe("answered");
      expect(await answer(reader.call(req, 0n))).toBe("answered");
      expect(await answer(reader.call(req, 1n, new Map([[writer.toString(), { state: [[ZERO32, hexToBytes("0x07")]] as [Uint8Array, Uint8Array][] }]])))).toBe("answered");
      expect(sealed).toBeGreaterThan(3);
      // A trie that fails under a call fails the call, with an error, and nothing else.
      const failed = await answer(reader.call({ to: broken.toString() }, 1n));
      expect(failed).toMatch(/^failed: /);
      expect(unhandled).toEqual([]);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
