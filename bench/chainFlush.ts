// The end-of-block write of state into the tries, ethereumjs's way (one put per key, each
// re-hashing its path from the root) against the producer's (BlockStateManager: one batch per
// trie), on the same synthetic blocks in the same process, alternating, so the ratio holds on a
// loaded machine. A block: `--slots` new storage slots in one contract (consent grants write about
// eight each) and `--accounts` senders' nonces, on a state that already holds `--history` slots.
// Prints figures; asserts nothing.
//
// Usage: npx tsx bench/chainFlush.ts [--slots 1600] [--accounts 200] [--history 100000] [--blocks 6]
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { Caches, CacheType, MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, bytesToHex, createAddressFromString, MapDB, ValueEncoding } from "@ethereumjs/util";
import { BlockStateManager } from "../node/chain/internal/BlockStateManager.js";
import { createChainCommon, initHashing } from "../node/chain/internal/crypto.js";

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const slots = option("slots", 1600);
const accounts = option("accounts", 200);
const history = option("history", 100_000);
const blocks = option("blocks", 6);

await initHashing();
const common = createChainCommon(7337);
const contract = createAddressFromString(`0x${"c0".repeat(20)}`);
const senders = Array.from({ length: accounts }, () => createAddressFromString(bytesToHex(randomBytes(20))));

function make(batched: boolean, db: MapDB<string, Uint8Array>, root?: Uint8Array) {
  const trie = new MerklePatriciaTrie({ db, useKeyHashing: true, valueEncoding: ValueEncoding.Bytes, cacheSize: 10_000, common, ...(root ? { root } : {}) });
  const caches = new Caches({ account: { type: CacheType.LRU, size: 20_000 }, storage: { type: CacheType.LRU, size: 1_000 }, code: { type: CacheType.LRU, size: 1_000 } });
  return batched ? new BlockStateManager({ common, trie, caches, nodes: db }) : new MerkleStateManager({ common, trie, caches });
}

// One state both kinds start from: the contract with `history` slots, the senders' accounts.
const db = new MapDB<string, Uint8Array>();
const setup = make(true, db);
await setup.checkpoint();
await setup.putAccount(contract, new Account(1n));
for (const s of senders) await setup.putAccount(s, new Account());
for (let i = 0; i < history; i++) await setup.putStorage(contract, randomBytes(32), randomBytes(20));
await setup.commit();
const start = await setup.getStateRoot();

const ms = { ethereumjs: 0, batched: 0 };
for (let b = 0; b < blocks; b++) {
  const keys = Array.from({ length: slots }, () => randomBytes(32));
  const roots: string[] = [];
  for (const kind of b % 2 === 0 ? (["ethereumjs", "batched"] as const) : (["batched", "ethereumjs"] as const)) {
    const sm = make(kind === "batched", db, start);
    // The block's writes land in the caches first, as the VM's do; the clock covers the flush.
    await sm.checkpoint();
    for (const [i, k] of keys.entries()) await sm.putStorage(contract, k, Uint8Array.of(1 + (i % 200), 2));
    for (const s of senders) await sm.putAccount(s, new Account(BigInt(b + 1)));
    const t = performance.now();
    await sm.commit();
    roots.push(bytesToHex(await sm.getStateRoot()));
    ms[kind] += performance.now() - t;
  }
  if (roots[0] !== roots[1]) throw new Error(`roots differ: ${roots.join(" ")}`);
}
console.log(
  JSON.stringify({
    slots_per_block: slots,
    accounts_per_block: accounts,
    history_slots: history,
    blocks,
    ethereumjs_ms_per_block: Math.round(ms.ethereumjs / blocks),
    batched_ms_per_block: Math.round(ms.batched / blocks),
    ratio: Number((ms.ethereumjs / ms.batched).toFixed(2)),
    load: loadavg()[0]!.toFixed(1),
  }),
);
