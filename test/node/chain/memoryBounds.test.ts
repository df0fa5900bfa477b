// The embedded chain's memory must not grow with the district. A heap snapshot of `imi up` during
// onboarding (docs/scale.md, "memory") found two things that did: every reader VM the node had
// built stayed reachable from the chain's shared Common (ethereumjs's EVM subscribes to its
// Common's events and never unsubscribes), and the producer's storage-slot cache kept every slot
// of the last 5,000 transactions. These tests hold each bound on the real component.
import { rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { Block, createBlockHeader } from "@ethereumjs/block";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { Caches, CacheType, MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, bytesToUnprefixedHex, createAddressFromString, createZeroAddress, hexToBytes, setLengthLeft, ValueEncoding } from "@ethereumjs/util";
import { BlockStateManager } from "../../../node/chain/internal/BlockStateManager.js";
import { StateReader } from "../../../node/chain/internal/calls.js";
import { createChainCommon, initHashing, keccak256 } from "../../../node/chain/internal/crypto.js";
import { ZERO32 } from "../../../node/chain/internal/genesis.js";
import { ChainStore, keys, StateDB } from "../../../node/chain/internal/store.js";
import { TrieReader } from "../../../node/chain/internal/TrieReader.js";
import { makeTempDir } from "./helpers.js";
import { MemoryDB } from "./memoryTrieDb.js";

async function withStore<T>(fn: (store: ChainStore) => Promise<T>): Promise<T> {
  await initHashing();
  const dir = await makeTempDir();
  const store = await ChainStore.open(dir);
  try {
    return await fn(store);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe("the chain's memory bounds", () => {
  it("a reader VM replaced when the head moves is not kept by the chain's Common (no listener per head, at the head or at older blocks)", async () => {
    await withStore(async (store) => {
      const common = createChainCommon(1337);
      const stateDb = new StateDB(store);
      // A contract that writes a slot and returns: SSTORE(0, 1); STOP.
      const writer = createAddressFromString("0x00000000000000000000000000000000000c0de1");
      const sm = new MerkleStateManager({ common, trie: new MerklePatriciaTrie({ db: stateDb, useKeyHashing: true, valueEncoding: ValueEncoding.Bytes, common }) });
      await sm.putAccount(writer, new Account());
      await sm.putCode(writer, hexToBytes("0x600160005500"));
      const stateRoot = await sm.getStateRoot();
      const genesis = stateDb.drain(stateRoot);
      await store.writeSynced(genesis.ops);
      genesis.settle();
      const blocks: { block: Block; hash: Uint8Array; receipts: never[]; senders: never[] }[] = [];
      let parentHash: Uint8Array = ZERO32;
      for (let n = 0n; n <= 40n; n++) {
        const header = createBlockHeader({ number: n, parentHash, stateRoot, gasLimit: 30_000_000n, baseFeePerGas: 0n, parentBeaconBlockRoot: ZERO32, timestamp: n }, { common, skipConsensusFormatValidation: true });
        blocks.push({ block: new Block(header, [], [], [], { common }), hash: header.hash(), receipts: [], senders: [] });
        parentHash = header.hash();
      }
      let head = 1;
      const reader = new StateReader({
        common,
        coinbase: createZeroAddress(),
        stateDb,
        blockchain: { getBlock: async () => ({ hash: () => ZERO32 }), putBlock: async () => {}, shallowCopy() { return this; } } as never,
        head: () => blocks[head]!,
        blockByNumber: async (n) => blocks[Number(n)],
        gasCap: () => 15_000_000n,
      });
      const listeners = () => common.events.listenerCount("hardforkChanged");
      const before = listeners();
      // A new head for each call, as while blocks are sealed under a stream of relayed grants; and
      // calls at older blocks, which get a throwaway VM each.
      for (head = 1; head <= 40; head++) {
        const result = await reader.call({ to: writer.toString() }, BigInt(head));
        expect(result.execResult.exceptionError).toBeUndefined();
        await reader.call({ to: writer.toString() }, BigInt(head - 1));
      }
      // Before the fix: one more listener (and one more VM kept, with its caches) per VM, 80 here.
      expect(listeners()).toBe(before);
    });
  }, 60_000);

  it("the producer's storage cache holds no more than its bound of slots after any block, and every slot written stays readable with the same state root", async () => {
    await withStore(async (store) => {
      const common = createChainCommon(1337);
      const stateDb = new StateDB(store);
      const trie = new MerklePatriciaTrie({ db: stateDb, useKeyHashing: true, valueEncoding: ValueEncoding.Bytes, common });
      const caches = new Caches({ account: { type: CacheType.LRU, size: 100 }, storage: { type: CacheType.ORDERED_MAP }, code: { type: CacheType.LRU, size: 10 } });
      const bound = 1_000;
      const sm = new BlockStateManager({ common, trie, caches, nodes: stateDb, maxCachedSlots: bound });
      // The same writes through ethereumjs's own state manager, for the root.
      const plain = new MerkleStateManager({ common, trie: new MerklePatriciaTrie({ db: new MemoryDB(), useKeyHashing: true, valueEncoding: ValueEncoding.Bytes, common }) });
      const registry = createAddressFromString("0x00000000000000000000000000000000000c0de2");
      const slot = (block: number, i: number) => setLengthLeft(keccak256(Uint8Array.of(block, i >> 8, i & 255)), 32);
      const value = (block: number, i: number) => Uint8Array.of(1 + block, i >> 8, i & 255);
      for (const s of [sm, plain]) {
        await s.checkpoint();
        await s.putAccount(registry, new Account());
        await s.commit();
      }
      let most = 0;
      // Eight blocks of 400 new slots (a 100-row registerBatch each), each read before it is written.
      for (let block = 0; block < 8; block++) {
        for (const s of [sm, plain]) {
          await s.checkpoint();
          for (let i = 0; i < 400; i++) {
            expect((await s.getStorage(registry, slot(block, i))).length).toBe(0);
            await s.putStorage(registry, slot(block, i), value(block, i));
          }
          await s.commit();
        }
        const cached = sm.cachedSlots();
        most = Math.max(most, cached);
        expect(cached).toBeLessThanOrEqual(bound);
      }
      // The cache did hold slots between blocks (the bound is what emptied it).
      expect(most).toBeGreaterThan(0);
      expect(await sm.getStateRoot()).toEqual(await plain.getStateRoot());
      for (let block = 0; block < 8; block++) for (let i = 0; i < 400; i += 7) expect(await sm.getStorage(registry, slot(block, i))).toEqual(value(block, i));
    });
  }, 60_000);

  it("the state database's node cache stays within its count and byte bounds however many nodes are read", async () => {
    await withStore(async (store) => {
      // 3,000 stored nodes of 100–700 bytes, read twice in random order through a small cache.
      const nodes = Array.from({ length: 3_000 }, (_, i) => RLP.encode([randomBytes(32), randomBytes(50 + ((i * 37) % 600))]));
      const hashes = nodes.map((n) => bytesToUnprefixedHex(keccak256(n)));
      await store.writeSynced(nodes.map((value, i) => ({ type: "put" as const, key: keys.state(hexToBytes(`0x${hashes[i]}`)), value })));
      const limits = { nodes: 500, bytes: 128 * 1024 };
      const db = new StateDB(store, limits);
      for (let round = 0; round < 2; round++) {
        for (const i of [...hashes.keys()].sort(() => Math.random() - 0.5)) {
          expect(bytesToUnprefixedHex((await db.get(hashes[i]!))!)).toBe(bytesToUnprefixedHex(nodes[i]!));
          const { nodes: held, bytes } = db.cached;
          expect(held).toBeLessThanOrEqual(2 * limits.nodes);
          expect(bytes).toBeLessThanOrEqual(2 * limits.bytes);
        }
      }
      // Both bounds bite: a count bound alone lets 1,000 nodes of up to 1 kB stay.
      expect(db.cached.bytes).toBeGreaterThan(limits.bytes / 2);
    });
  }, 60_000);

  it("the trie reader's decoded nodes stay within their byte bound, answers unchanged, and the estimate is within what the heap holds (not under 80 %, not over twice)", async () => {
    const db = new MemoryDB();
    const trie = new MerklePatriciaTrie({ db, useKeyHashing: false, valueEncoding: ValueEncoding.Bytes });
    const keyList = Array.from({ length: 4_000 }, () => randomBytes(32));
    for (const [i, k] of keyList.entries()) await trie.put(k, RLP.encode(randomBytes(1 + (i % 32))));
    const maxBytes = 256 * 1024;
    const reader = new TrieReader(db, 100_000, maxBytes);
    for (const k of keyList) {
      expect(await reader.get(trie.root(), k, trie.EMPTY_TRIE_ROOT)).toEqual(await trie.get(k));
      expect(reader.cached.bytes).toBeLessThanOrEqual(2 * maxBytes);
    }
    expect(reader.cached.nodes).toBeGreaterThan(0);

    // The estimate against the heap: the same reads into an unbounded reader, measured after a full
    // collection before and after (the database already holds every node's bytes).
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const all = new TrieReader(db, 1_000_000, 1 << 30);
    for (const k of keyList) await all.get(trie.root(), k, trie.EMPTY_TRIE_ROOT);
    gc();
    const held = process.memoryUsage().heapUsed - before;
    expect(all.cached.nodes).toBeGreaterThan(4_000);
    expect(all.cached.bytes).toBeGreaterThanOrEqual(held * 0.8);
    expect(all.cached.bytes).toBeLessThanOrEqual(held * 2);
  }, 60_000);
});
