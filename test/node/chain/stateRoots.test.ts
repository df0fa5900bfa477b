// The producer writes each block's state into the tries in one batch per trie (BlockStateManager);
// this replays the chain's own blocks through ethereumjs's unmodified state manager and VM and
// checks every state root, receipt root and gas figure against the sealed headers.
import { join } from "node:path";
import { Level } from "level";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, getCreateAddress, toBeHex, zeroPadValue } from "ethers";
import { createBlockFromRLP } from "@ethereumjs/block";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, bytesToHex, createAddressFromString, hexToBytes, MapDB, setLengthLeft, ValueEncoding } from "@ethereumjs/util";
import { createVM, runBlock } from "@ethereumjs/vm";
import type { GenesisConfig } from "../../../node/chain/index.js";
import { createChainCommon } from "../../../node/chain/internal/crypto.js";
import { keys, readU64 } from "../../../node/chain/internal/store.js";
import { startTestChain, type TestChain } from "./helpers.js";

/** Runtime: SSTORE(calldata[0:32], calldata[32:64]); writing zero deletes the slot. */
const WRITER_INIT = "0x600880600b6000396000f3" + "6020356000355500";
const word = (n: number | bigint) => zeroPadValue(toBeHex(n), 32);

let t: TestChain;
beforeAll(async () => {
  t = await startTestChain({ accounts: 3 });
}, 60_000);
afterAll(async () => {
  await t?.cleanup();
});

describe("state roots", () => {
  it("every block's state root, receipts root and gas equal what ethereumjs computes replaying the block", async () => {
    const [a, b, c] = t.wallets as [Wallet, Wallet, Wallet];
    const deploy = await (await a.sendTransaction({ data: WRITER_INIT })).wait();
    const writer = deploy!.contractAddress!;
    expect(writer).toBe(getCreateAddress({ from: a.address, nonce: 0 }));
    // Blocks with many writes into one storage trie from several senders: new slots, overwrites
    // of earlier ones and of the same block's, a round that also deletes slots (zero writes), and
    // one that writes zeros to empty slots.
    const send = async (rounds: { key: number; value: number }[][]) => {
      for (const round of rounds) {
        const nonces = await Promise.all([a, b, c].map((w) => t.provider.getTransactionCount(w.address, "pending")));
        const sent = await Promise.all(
          round.map((w, i) => {
            const wallet = [a, b, c][i % 3]!;
            const nonce = nonces[i % 3]!++;
            return wallet.sendTransaction({ to: writer, data: word(w.key) + word(w.value).slice(2), nonce, gasLimit: 60_000n });
          }),
        );
        await Promise.all(sent.map((s) => s.wait()));
      }
    };
    const writes = (from: number, n: number, value: (k: number) => number) => Array.from({ length: n }, (_, i) => ({ key: from + i, value: value(from + i) }));
    // Zeros written to slots that were never set (a new struct's zero fields) delete nothing.
    await send([
      writes(1, 60, (k) => k * 7 + 1),
      writes(30, 60, (k) => k + 1000),
      [...writes(1, 20, () => 0), ...writes(100, 20, (k) => k)],
      [...writes(200, 60, (k) => k), ...writes(500, 30, () => 0)],
    ]);
    const head = t.chain.blockNumber();
    expect(head).toBeGreaterThan(3n);
    await t.chain.close();

    const level = new Level<Uint8Array, Uint8Array>(join(t.dir, "chaindata"), { keyEncoding: "view", valueEncoding: "view" });
    await level.open();
    try {
      const genesis = JSON.parse(new TextDecoder().decode((await level.get(keys.meta("genesis")))!)) as GenesisConfig;
      const common = createChainCommon(genesis.chainId);
      const trie = new MerklePatriciaTrie({ db: new MapDB(), useKeyHashing: true, valueEncoding: ValueEncoding.Bytes, common });
      const stateManager = new MerkleStateManager({ common, trie });
      for (const [address, spec] of Object.entries(genesis.alloc)) {
        const addr = createAddressFromString(address);
        await stateManager.putAccount(addr, new Account(BigInt(spec.nonce ?? 0), BigInt(spec.balance ?? "0")));
        if (spec.code !== undefined) await stateManager.putCode(addr, hexToBytes(spec.code as `0x${string}`));
        for (const [slot, value] of Object.entries(spec.storage ?? {})) await stateManager.putStorage(addr, setLengthLeft(hexToBytes(toBeHex(BigInt(slot)) as `0x${string}`), 32), hexToBytes(toBeHex(BigInt(value)) as `0x${string}`));
      }
      const block = async (n: bigint) => createBlockFromRLP((await level.get(keys.block(n)))!, { common, skipConsensusFormatValidation: true });
      expect(bytesToHex(await stateManager.getStateRoot())).toBe(bytesToHex((await block(0n)).header.stateRoot));
      const vm = await createVM({ common, stateManager });
      let txs = 0;
      for (let n = 1n; n <= head; n++) {
        const b = await block(n);
        txs += b.transactions.length;
        // runBlock throws unless the state root, receipts root, bloom and gas used match the header.
        const result = await runBlock(vm, { block: b, skipBlockValidation: true, skipHeaderValidation: true, skipHardForkValidation: true });
        expect(bytesToHex(result.stateRoot), `block ${n}`).toBe(bytesToHex(b.header.stateRoot));
      }
      expect(txs).toBe(1 + 60 + 60 + 40 + 90);
      expect(readU64((await level.get(keys.meta("head")))!)).toBe(head);
    } finally {
      await level.close();
    }
  }, 120_000);
});
