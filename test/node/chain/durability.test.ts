// Durability: restarts keep everything, a kill -9 under load loses no acknowledged transaction,
// and a data directory refuses a foreign genesis, a foreign validator and a forged seal.
import { spawn, type ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Level } from "level";
import { afterEach, describe, expect, it } from "vitest";
import { Wallet, ZeroAddress, getCreateAddress } from "ethers";
import { RLP } from "@ethereumjs/rlp";
import { NodeError, startChain, type Chain, type ChainConfig } from "../../../node/chain/index.js";
import { makeTempDir, providerFor, quietLogger, startTestChain, type TestChain } from "./helpers.js";

/** Runtime: slot0 += 1; LOG1(data = new value, topic = caller). Init code copies it out. */
const COUNTER_INIT = "0x601480600b6000396000f3" + "6000546001018060005560005233602060" + "00a100";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function expectNodeError(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NodeError);
  expect((err as NodeError).code).toBe(code);
}

describe("restart", () => {
  it("keeps blocks, receipts, logs and state across a clean restart", async () => {
    const t: TestChain = await startTestChain({ accounts: 2 });
    cleanups.push(() => t.cleanup());
    const [w] = t.wallets;
    const deploy = await (await w!.sendTransaction({ data: COUNTER_INIT })).wait();
    const counter = deploy!.contractAddress!;
    const bump = await (await w!.sendTransaction({ to: counter })).wait();
    const before = await t.provider.getBlock("latest");
    await t.restart();
    const p = t.provider;
    expect(await p.getBlockNumber()).toBe(before!.number);
    expect((await p.getBlock(before!.number))!.hash).toBe(before!.hash);
    expect(BigInt(await p.getStorage(counter, 0))).toBe(1n);
    const receipt = await p.getTransactionReceipt(bump!.hash);
    expect(receipt!.blockHash).toBe(bump!.blockHash);
    expect(receipt!.logs).toHaveLength(1);
    expect(await p.getLogs({ address: counter, fromBlock: 0 })).toHaveLength(1);
    expect(await p.getTransactionCount(w!.address)).toBe(2);
    // and keeps producing on top of it
    const again = await (await t.wallets[0]!.sendTransaction({ to: counter, nonce: 2 })).wait();
    expect(again!.blockNumber).toBe(before!.number + 1);
    expect(BigInt(await p.getStorage(counter, 0))).toBe(2n);
  });

  it("state of every earlier block stays readable when a block rewrites the same state many times", async () => {
    const t: TestChain = await startTestChain({ accounts: 4, config: { batchDelayMs: 20 } });
    cleanups.push(() => t.cleanup());
    const [w] = t.wallets;
    const counter = (await (await w!.sendTransaction({ data: COUNTER_INIT })).wait())!.contractAddress!;
    // Several bumps per block: each rewrites the counter's slot, its account and a sender's.
    const expected = new Map<number, bigint>();
    const nonces = await Promise.all(t.wallets.map((x) => t.provider.getTransactionCount(x.address)));
    let count = 0n;
    for (let round = 0; round < 5; round++) {
      const sent = await Promise.all(t.wallets.map((x, i) => x.sendTransaction({ to: counter, nonce: nonces[i]!++ })));
      const receipts = await Promise.all(sent.map((tx) => tx.wait()));
      count += BigInt(receipts.length);
      const last = Math.max(...receipts.map((r) => r!.blockNumber));
      expected.set(last, count);
    }
    expect(Math.max(...expected.keys())).toBeLessThan(1 + 5 * t.wallets.length);
    const check = async () => {
      for (const [block, value] of expected) expect(BigInt(await t.provider.getStorage(counter, 0, block))).toBe(value);
      for (const x of t.wallets) expect(await t.provider.getTransactionCount(x.address)).toBe(nonces[t.wallets.indexOf(x)]!);
    };
    await check();
    await t.restart();
    await check();
  });

  it("refuses a data directory of another chain id, another genesis or another validator", async () => {
    const t = await startTestChain({ accounts: 1 });
    cleanups.push(() => t.cleanup());
    const genesis = { validator: t.validator.address, allowlist: [t.wallets[0]!.address] };
    await t.chain.close();
    const base: ChainConfig = { dataDir: t.dir, validatorKey: t.validator.privateKey, port: 0, logger: quietLogger };
    await expectNodeError(startChain({ ...base, genesis: { ...genesis, chainId: 999 } }), "CHAIN_GENESIS_MISMATCH");
    await expectNodeError(startChain({ ...base, genesis: { ...genesis, allowlist: [Wallet.createRandom().address] } }), "CHAIN_GENESIS_MISMATCH");
    await expectNodeError(startChain({ ...base, validatorKey: Wallet.createRandom().privateKey }), "CHAIN_VALIDATOR_MISMATCH");
    // The same genesis, or none, is accepted.
    const ok = await startChain({ ...base, genesis });
    await ok.close();
    await t.restart();
  });

  it("refuses to serve a block whose seal was forged on disk", async () => {
    const t = await startTestChain({ accounts: 1 });
    cleanups.push(() => t.cleanup());
    await (await t.wallets[0]!.sendTransaction({ to: ZeroAddress })).wait();
    await t.chain.close();
    // Re-sign block 1's header with another key: same layout, wrong signer.
    const db = new Level<Uint8Array, Uint8Array>(join(t.dir, "chaindata"), { keyEncoding: "view", valueEncoding: "view" });
    const key = new Uint8Array([0x62, 0, 0, 0, 0, 0, 0, 0, 1]);
    const block = RLP.decode((await db.get(key))!) as unknown as Uint8Array[][];
    const header = block[0]!;
    const extra = header[12]!;
    const forged = new Wallet(Wallet.createRandom().privateKey).signingKey.sign(new Uint8Array(32).fill(7));
    const sig = new Uint8Array(65);
    sig.set(Buffer.from(forged.r.slice(2), "hex"), 0);
    sig.set(Buffer.from(forged.s.slice(2), "hex"), 32);
    sig[64] = forged.yParity;
    header[12] = new Uint8Array([...extra.subarray(0, 32), ...sig]);
    await db.put(key, RLP.encode(block as never));
    await db.close();
    await expectNodeError(startChain({ dataDir: t.dir, validatorKey: t.validator.privateKey, port: 0, logger: quietLogger }), "CHAIN_BAD_SEAL");
    await t.restart().catch(() => undefined);
  });
});

function spawnNode(config: ChainConfig): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures", "runNode.ts"), JSON.stringify(config)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (c) => (err += c));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (c) => {
      out += c;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once("exit", (code) => reject(new Error(`node exited (${code}) before ready: ${err}`)));
  });
}

describe("kill -9 under load", () => {
  it("restarts at its last durable block with state, receipts and logs consistent; no acknowledged transaction is lost", async () => {
    const dir = await makeTempDir();
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const validator = Wallet.createRandom();
    const senders = Array.from({ length: 12 }, () => new Wallet(Wallet.createRandom().privateKey));
    // Sends one transaction with a nonce gap before the kill: it is certainly still pooled then.
    const gapSender = new Wallet(Wallet.createRandom().privateKey);
    const config: ChainConfig = {
      dataDir: dir,
      validatorKey: validator.privateKey,
      port: 0,
      genesis: { validator: validator.address, allowlist: [...senders, gapSender].map((s) => s.address) },
    };
    const { child, url } = await spawnNode(config);
    cleanups.push(async () => void child.kill("SIGKILL"));
    const provider = providerFor(url);
    const chainId = (await provider.getNetwork()).chainId;
    const deployer = senders[0]!.connect(provider);
    const counter = getCreateAddress({ from: deployer.address, nonce: 0 });
    await (await deployer.sendTransaction({ data: COUNTER_INIT, nonce: 0 })).wait();
    provider.destroy();

    const acked = new Map<string, { blockHash: string; blockNumber: string }>();
    // Every hash eth_sendRawTransaction returned, mined or not when the node is killed.
    const hashes = new Set<string>();
    let stop = false;
    const rpc = async (method: string, params: unknown[]) => {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
      return ((await res.json()) as { result?: unknown; error?: unknown });
    };
    const worker = async (wallet: Wallet, startNonce: number) => {
      for (let nonce = startNonce; !stop; nonce++) {
        const raw = await wallet.signTransaction({ to: counter, nonce, gasLimit: 100_000n, gasPrice: 0n, chainId, type: 0 });
        const sent = await rpc("eth_sendRawTransaction", [raw]);
        if (typeof sent.result !== "string") throw new Error(`send refused: ${JSON.stringify(sent.error)}`);
        hashes.add(sent.result);
        for (;;) {
          const r = await rpc("eth_getTransactionReceipt", [sent.result]);
          const receipt = r.result as { blockHash: string; blockNumber: string; status: string } | null;
          if (receipt) {
            expect(receipt.status).toBe("0x1");
            acked.set(sent.result, { blockHash: receipt.blockHash, blockNumber: receipt.blockNumber });
            break;
          }
          await new Promise((res) => setTimeout(res, 2));
        }
      }
    };
    const workers = senders.map((s, i) => worker(s, i === 0 ? 1 : 0).catch(() => undefined));
    // Kill at an arbitrary moment once the load is flowing: mid-batch, mid-fsync or between blocks.
    while (acked.size < 400) await new Promise((res) => setTimeout(res, 5));
    const queued = await rpc("eth_sendRawTransaction", [await gapSender.signTransaction({ to: counter, nonce: 1, gasLimit: 100_000n, gasPrice: 0n, chainId, type: 0 })]);
    expect(typeof queued.result).toBe("string");
    await new Promise((res) => setTimeout(res, Math.floor(Math.random() * 40)));
    const exited = new Promise((res) => child.once("exit", res));
    child.kill("SIGKILL");
    stop = true;
    await exited;
    await Promise.all(workers);

    const chain: Chain = await startChain({ ...config, logger: quietLogger });
    cleanups.push(() => chain.close());
    const p = providerFor(chain.url);
    cleanups.push(async () => p.destroy());
    // Every acknowledged receipt is there, in the same block.
    for (const [hash, at] of acked) {
      const receipt = await p.getTransactionReceipt(hash);
      expect(receipt, hash).not.toBeNull();
      expect(receipt!.blockHash).toBe(at.blockHash);
    }
    // Transactions acknowledged but not yet in a block when the node died come back from the
    // pool's record and are mined after the restart.
    const pendingAtCrash = [...hashes].filter((h) => !acked.has(h));
    for (const hash of pendingAtCrash) {
      const receipt = await p.waitForTransaction(hash, 1, 20_000);
      expect(receipt?.status, hash).toBe(1);
    }
    // The queued one is still held, and is mined once its gap is filled.
    expect(await p.getTransaction(queued.result as string)).not.toBeNull();
    await (await gapSender.connect(p).sendTransaction({ to: counter, nonce: 0 })).wait();
    expect((await p.waitForTransaction(queued.result as string, 1, 20_000))?.status).toBe(1);
    const head = await p.getBlockNumber();
    // State, transactions and logs agree with each other up to the head.
    let txCount = 0;
    const perSender = new Map<string, number>();
    for (let n = 1; n <= head; n++) {
      const block = await p.getBlock(n, true);
      for (const tx of block!.prefetchedTransactions) {
        perSender.set(tx.from, (perSender.get(tx.from) ?? 0) + 1);
        if (tx.to === counter) txCount++;
      }
    }
    expect(BigInt(await p.getStorage(counter, 0))).toBe(BigInt(txCount));
    expect(await p.getLogs({ address: counter, fromBlock: 0, toBlock: head })).toHaveLength(txCount);
    for (const s of [...senders, gapSender]) expect(await p.getTransactionCount(s.address), s.address).toBe(perSender.get(s.address) ?? 0);
    expect(txCount).toBeGreaterThanOrEqual(402);
    // The node keeps working after the crash.
    const next = await p.getTransactionCount(senders[1]!.address);
    const receipt = await (await senders[1]!.connect(p).sendTransaction({ to: counter, nonce: next })).wait();
    expect(receipt!.status).toBe(1);
  });
});
