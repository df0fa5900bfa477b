// JSON-RPC edge cases and the transaction pool rules, against a real node on loopback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Transaction, Wallet, ZeroAddress, type TransactionRequest } from "ethers";
import { startTestChain, type TestChain } from "./helpers.js";

let t: TestChain;
let chainId: bigint;

beforeAll(async () => {
  t = await startTestChain({ accounts: 6, fund: true, config: { txPool: { maxSize: 40, maxPerSender: 20 }, rpc: { maxBodyBytes: 64 * 1024, maxBatch: 50 } } });
  chainId = BigInt(t.chain.chainId);
});
afterAll(async () => t.cleanup());

async function signed(wallet: Wallet, tx: TransactionRequest): Promise<string> {
  return wallet.signTransaction({ to: ZeroAddress, gasLimit: 21_000n, gasPrice: 0n, chainId, type: 0, ...tx });
}

async function expectServing(): Promise<void> {
  const reply = await t.rpc("eth_blockNumber");
  expect(typeof reply.result).toBe("string");
}

async function waitForNonce(address: string, nonce: number): Promise<void> {
  for (;;) {
    if ((await t.provider.getTransactionCount(address, "latest")) >= nonce) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("JSON-RPC protocol errors", () => {
  it("answers malformed JSON with -32700 and keeps serving", async () => {
    const { status, json } = await t.post("{not json");
    expect(status).toBe(200);
    expect((json as { error: { code: number } }).error.code).toBe(-32700);
    await expectServing();
  });

  it("answers requests that are not JSON-RPC objects with -32600", async () => {
    for (const body of ["42", '"x"', '{"id":1,"method":"eth_chainId"}', '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":{"a":1}}']) {
      const { json } = await t.post(body);
      expect((json as { error: { code: number } }).error.code).toBe(-32600);
    }
    await expectServing();
  });

  it("answers unknown methods and the admin, personal and debug namespaces with -32601", async () => {
    for (const method of ["eth_nope", "admin_peers", "personal_unlockAccount", "debug_traceTransaction", "miner_start", "toString", "__proto__"]) {
      const reply = await t.rpc(method);
      expect(reply.error?.code, method).toBe(-32601);
    }
    await expectServing();
  });

  it("answers wrong parameter types with -32602", async () => {
    const cases: [string, unknown[]][] = [
      ["eth_getBalance", ["not-an-address", "latest"]],
      ["eth_getBalance", [123, "latest"]],
      ["eth_getBlockByNumber", ["0xzz", false]],
      ["eth_getBlockByNumber", ["0x0", "yes"]],
      ["eth_getTransactionReceipt", ["0x1234"]],
      ["eth_sendRawTransaction", [42]],
      ["eth_call", ["0x00"]],
      ["eth_getLogs", [{ topics: "x" }]],
    ];
    for (const [method, params] of cases) {
      const reply = await t.rpc(method, params);
      expect(reply.error?.code, `${method} ${JSON.stringify(params)}`).toBe(-32602);
    }
    await expectServing();
  });

  it("refuses oversized bodies with HTTP 413 before parsing them", async () => {
    const big = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: ["x".repeat(70 * 1024)] });
    const { status, json } = await t.post(big);
    expect(status).toBe(413);
    expect((json as { error: { code: number } }).error.code).toBe(-32600);
    await expectServing();
  });

  it("serves batches in order, skips notifications and bounds the batch length", async () => {
    const batch = [
      { jsonrpc: "2.0", id: 1, method: "eth_chainId" },
      { jsonrpc: "2.0", method: "eth_blockNumber" },
      { jsonrpc: "2.0", id: "b", method: "eth_nope" },
    ];
    const { json } = await t.post(JSON.stringify(batch));
    const replies = json as { id: unknown; result?: unknown; error?: { code: number } }[];
    expect(replies.map((r) => r.id)).toEqual([1, "b"]);
    expect(replies[0]!.result).toBe(`0x${chainId.toString(16)}`);
    expect(replies[1]!.error?.code).toBe(-32601);

    const tooMany = Array.from({ length: 51 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_chainId" }));
    const { json: limited } = await t.post(JSON.stringify(tooMany));
    expect((limited as { error: { code: number } }).error.code).toBe(-32600);
    const { json: empty } = await t.post("[]");
    expect((empty as { error: { code: number } }).error.code).toBe(-32600);
  });

  it("answers the methods clients probe with standard values", async () => {
    expect((await t.rpc("eth_gasPrice")).result).toBe("0x0");
    expect((await t.rpc("eth_maxPriorityFeePerGas")).result).toBe("0x0");
    expect((await t.rpc("net_version")).result).toBe(chainId.toString());
    expect((await t.rpc("eth_accounts")).result).toEqual([]);
    expect((await t.rpc("eth_syncing")).result).toBe(false);
    const history = (await t.rpc("eth_feeHistory", ["0x4", "latest", [50]])).result as { baseFeePerGas: string[]; reward: string[][] };
    expect(history.baseFeePerGas.every((f) => f === "0x0")).toBe(true);
    const genesis = (await t.rpc("eth_getBlockByNumber", ["0x0", false])).result as { hash: string; baseFeePerGas: string };
    expect(genesis.baseFeePerGas).toBe("0x0");
    expect((await t.rpc("eth_getBlockByHash", [genesis.hash, false])).result).toMatchObject({ number: "0x0" });
    expect((await t.rpc("eth_getBlockByNumber", ["0xffffff", false])).result).toBeNull();
  });
});

describe("transaction admission", () => {
  it("refuses a sender outside the allowlist with -32007 and writes nothing", async () => {
    const stranger = Wallet.createRandom();
    const head = await t.provider.getBlockNumber();
    const reply = await t.rpc("eth_sendRawTransaction", [await signed(stranger as unknown as Wallet, { nonce: 0 })]);
    expect(reply.error?.code).toBe(-32007);
    expect(reply.error?.data).toEqual({ code: "CHAIN_TX_NOT_ALLOWED" });
    expect(reply.error?.message).toMatch(/not authorized/);
    expect(await t.provider.getTransactionCount(stranger.address, "pending")).toBe(0);
    expect(await t.provider.getBlockNumber()).toBe(head);
    await expectServing();
  });

  it("refuses invalid signatures, a wrong chain id and unprotected transactions", async () => {
    const [w] = t.wallets;
    const good = Transaction.from(await signed(w!, { nonce: 100 }));
    const broken = good.clone();
    broken.signature = { r: good.signature!.r, s: "0x" + "ff".repeat(32), v: good.signature!.v } as never;
    const badSig = await t.rpc("eth_sendRawTransaction", [broken.serialized]);
    expect(badSig.error?.data).toEqual({ code: "CHAIN_TX_INVALID_SIGNATURE" });

    const otherChain = await w!.signTransaction({ to: ZeroAddress, gasLimit: 21_000n, gasPrice: 0n, chainId: chainId + 1n, type: 2, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, nonce: 0 });
    expect((await t.rpc("eth_sendRawTransaction", [otherChain])).error?.data).toEqual({ code: "CHAIN_TX_WRONG_CHAIN" });
    const otherChainLegacy = await w!.signTransaction({ to: ZeroAddress, gasLimit: 21_000n, gasPrice: 0n, chainId: chainId + 1n, type: 0, nonce: 0 });
    expect((await t.rpc("eth_sendRawTransaction", [otherChainLegacy])).error?.data).toEqual({ code: "CHAIN_TX_WRONG_CHAIN" });

    const unprotected = Transaction.from({ to: ZeroAddress, gasLimit: 21_000n, gasPrice: 0n, nonce: 0, type: 0 });
    unprotected.signature = w!.signingKey.sign(unprotected.unsignedHash);
    expect((await t.rpc("eth_sendRawTransaction", [unprotected.serialized])).error?.data).toEqual({ code: "CHAIN_TX_UNPROTECTED" });

    expect((await t.rpc("eth_sendRawTransaction", ["0xdeadbeef"])).error?.data).toEqual({ code: "CHAIN_TX_MALFORMED" });
    expect((await t.rpc("eth_sendRawTransaction", ["0x03"])).error?.data).toEqual({ code: "CHAIN_TX_TYPE_UNSUPPORTED" });
    await expectServing();
  });

  it("sends legacy and EIP-1559 transactions with zero gas price through ethers", async () => {
    const [, w] = t.wallets;
    const legacy = await w!.sendTransaction({ to: ZeroAddress, nonce: 0 });
    const dynamic = await w!.sendTransaction({ to: ZeroAddress, nonce: 1, type: 2 });
    const [r1, r2] = await Promise.all([legacy.wait(), dynamic.wait()]);
    expect(r1!.status).toBe(1);
    expect(r2!.status).toBe(1);
    expect(r2!.gasPrice).toBe(0n);
    const block = await t.provider.getBlock(r2!.blockNumber);
    expect(block!.baseFeePerGas).toBe(0n);
  });

  it("rejects duplicates, too-low nonces and underpriced replacements; a 10% higher fee replaces", async () => {
    const w = t.wallets[2]!;
    const first = await signed(w, { nonce: 1 }); // held: nonce 0 is missing
    expect((await t.rpc("eth_sendRawTransaction", [first])).result).toBe(Transaction.from(first).hash!);
    expect((await t.rpc("eth_sendRawTransaction", [first])).error?.data).toEqual({ code: "CHAIN_TX_KNOWN" });
    const samePrice = await signed(w, { nonce: 1, data: "0x01", gasLimit: 21_016n });
    expect((await t.rpc("eth_sendRawTransaction", [samePrice])).error?.data).toEqual({ code: "CHAIN_TX_REPLACEMENT_UNDERPRICED" });
    const better = await signed(w, { nonce: 1, gasPrice: 10n });
    expect((await t.rpc("eth_sendRawTransaction", [better])).result).toBe(Transaction.from(better).hash!);
    const notEnough = await signed(w, { nonce: 1, gasPrice: 10n, data: "0x02", gasLimit: 21_016n });
    expect((await t.rpc("eth_sendRawTransaction", [notEnough])).error?.data).toEqual({ code: "CHAIN_TX_REPLACEMENT_UNDERPRICED" });
    expect(await t.provider.getTransactionCount(w.address, "latest")).toBe(0);
    // The gap is held until filled; then both are mined in order.
    await t.rpc("eth_sendRawTransaction", [await signed(w, { nonce: 0 })]);
    await waitForNonce(w.address, 2);
    const replaced = await t.provider.getTransactionReceipt(Transaction.from(first).hash!);
    expect(replaced).toBeNull();
    expect((await t.provider.getTransactionReceipt(Transaction.from(better).hash!))!.status).toBe(1);
    expect((await t.rpc("eth_sendRawTransaction", [await signed(w, { nonce: 0, gasPrice: 1n })])).error?.data).toEqual({ code: "CHAIN_TX_NONCE_TOO_LOW" });
  });

  it("bounds the pool per sender and in total; an executable transaction evicts a queued one", async () => {
    const [, , , a, b, c] = t.wallets;
    const d = t.wallets[0]!;
    const dNonce = await t.provider.getTransactionCount(d.address, "latest");
    // Nonces from 1 on never become executable while nonce 0 is withheld, so they stay queued.
    for (let n = 1; n <= 20; n++) expect((await t.rpc("eth_sendRawTransaction", [await signed(a!, { nonce: n })])).result).toBeDefined();
    expect((await t.rpc("eth_sendRawTransaction", [await signed(a!, { nonce: 21 })])).error?.data).toEqual({ code: "CHAIN_POOL_SENDER_FULL" });
    for (let n = 1; n <= 19; n++) expect((await t.rpc("eth_sendRawTransaction", [await signed(b!, { nonce: n })])).result).toBeDefined();
    expect((await t.rpc("eth_sendRawTransaction", [await signed(c!, { nonce: 1 })])).result).toBeDefined();
    expect((await t.rpc("eth_sendRawTransaction", [await signed(d, { nonce: dNonce + 1 })])).error?.data).toEqual({ code: "CHAIN_POOL_FULL" });
    // Filling a's gap is executable now: it evicts a's highest queued nonce (20) and 0..19 are mined.
    expect((await t.rpc("eth_sendRawTransaction", [await signed(a!, { nonce: 0 })])).result).toBeDefined();
    await waitForNonce(a!.address, 20);
    expect(await t.provider.getTransactionCount(a!.address, "pending")).toBe(20);
    expect((await t.rpc("eth_sendRawTransaction", [await signed(d, { nonce: dNonce + 1 })])).result).toMatch(/^0x/);
    await expectServing();
  });

  it("refuses a gas limit under the intrinsic cost or above the block's gas target", async () => {
    const w = t.wallets[1]!;
    const nonce = await t.provider.getTransactionCount(w.address, "pending");
    expect((await t.rpc("eth_sendRawTransaction", [await signed(w, { nonce, gasLimit: 20_000n })])).error?.data).toEqual({ code: "CHAIN_TX_INTRINSIC_GAS" });
    expect((await t.rpc("eth_sendRawTransaction", [await signed(w, { nonce, gasLimit: 999_000_000n })])).error?.data).toEqual({ code: "CHAIN_TX_GAS_LIMIT" });
  });
});

describe("block production", () => {
  it("seals empty blocks on the configured interval, each on its parent, with a zero base fee", async () => {
    const timed = await startTestChain({ accounts: 1, config: { blockIntervalMs: 50 } });
    try {
      while ((await timed.provider.getBlockNumber()) < 3) await new Promise((r) => setTimeout(r, 20));
      const [b1, b2] = await Promise.all([timed.provider.getBlock(1), timed.provider.getBlock(2)]);
      expect(b2!.parentHash).toBe(b1!.hash);
      expect(b2!.transactions).toHaveLength(0);
      expect(b2!.baseFeePerGas).toBe(0n);
      expect(b2!.timestamp).toBeGreaterThanOrEqual(b1!.timestamp);
      expect(b2!.miner.toLowerCase()).toBe(timed.validator.address.toLowerCase());
    } finally {
      await timed.cleanup();
    }
  });

  it("returns full transactions, receipts by block and transactions by index", async () => {
    const [w] = t.wallets;
    const nonce = await t.provider.getTransactionCount(w!.address, "pending");
    const receipt = await (await w!.sendTransaction({ to: ZeroAddress, nonce })).wait();
    const tag = `0x${receipt!.blockNumber.toString(16)}`;
    const full = (await t.rpc("eth_getBlockByNumber", [tag, true])).result as { transactions: { hash: string; from: string }[] };
    expect(full.transactions.map((x) => x.hash)).toContain(receipt!.hash);
    expect(full.transactions.find((x) => x.hash === receipt!.hash)!.from).toBe(w!.address.toLowerCase());
    const receipts = (await t.rpc("eth_getBlockReceipts", [tag])).result as { transactionHash: string; status: string }[];
    expect(receipts.find((r) => r.transactionHash === receipt!.hash)!.status).toBe("0x1");
    const byIndex = (await t.rpc("eth_getTransactionByBlockNumberAndIndex", [tag, `0x${receipt!.index.toString(16)}`])).result as { hash: string };
    expect(byIndex.hash).toBe(receipt!.hash);
    const tx = await t.provider.getTransaction(receipt!.hash);
    expect(tx!.blockHash).toBe(receipt!.blockHash);
  });
});
