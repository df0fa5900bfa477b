// What standard clients (geth-compatible tools, ethers, viem, cast) send and expect, against a real
// node on loopback. Each test is named after what broke.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, ZeroAddress } from "ethers";
import { pino } from "pino";
import { startTestChain, type TestChain } from "./helpers.js";

let t: TestChain;
/** What the node logged at warn level or above. */
const logged: { level: number; event?: string; msg?: string }[] = [];
let mined: { hash: string; blockNumber: number; blockHash: string };

/** Returns storage slot 0 of the called contract. */
const RETURN_SLOT0 = "0x60005460005260206000f3";
/** Returns the balance of the caller. */
const RETURN_CALLER_BALANCE = "0x33316000526020 6000f3".replace(" ", "");
/** Returns the nonce-independent address's own code size. */
const EMPTY = "0x";

beforeAll(async () => {
  const logger = pino({ level: "warn" }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  t = await startTestChain({ accounts: 3, fund: true, config: { logger } });
  const [w] = t.wallets;
  const receipt = await (await w!.sendTransaction({ to: ZeroAddress })).wait();
  mined = { hash: receipt!.hash, blockNumber: receipt!.blockNumber, blockHash: receipt!.blockHash };
});
afterAll(async () => t.cleanup());

const hex = (n: number | bigint) => `0x${n.toString(16)}`;
const word = (n: bigint) => `0x${n.toString(16).padStart(64, "0")}`;

describe("transactions carry blockTimestamp", () => {
  it("transactions in blocks and from eth_getTransactionBy* lacked blockTimestamp", async () => {
    const block = (await t.rpc("eth_getBlockByNumber", [hex(mined.blockNumber), true])).result as { timestamp: string; transactions: Record<string, unknown>[] };
    expect(block.transactions[0]!.blockTimestamp).toBe(block.timestamp);
    const byHash = (await t.rpc("eth_getTransactionByHash", [mined.hash])).result as Record<string, unknown>;
    expect(byHash.blockTimestamp).toBe(block.timestamp);
    const byNumber = (await t.rpc("eth_getTransactionByBlockNumberAndIndex", [hex(mined.blockNumber), "0x0"])).result as Record<string, unknown>;
    expect(byNumber.blockTimestamp).toBe(block.timestamp);
    const byBlockHash = (await t.rpc("eth_getTransactionByBlockHashAndIndex", [mined.blockHash, "0x0"])).result as Record<string, unknown>;
    expect(byBlockHash.blockTimestamp).toBe(block.timestamp);
    const receipt = (await t.rpc("eth_getTransactionReceipt", [mined.hash])).result as { logs: unknown[] };
    expect(receipt).not.toBeNull();
  });
});

describe("state overrides on eth_call and eth_estimateGas", () => {
  const target = Wallet.createRandom().address.toLowerCase();

  it("eth_call ignored its state override and answered as if there were none", async () => {
    const call = { to: target, data: "0x" };
    expect((await t.rpc("eth_call", [call, "latest"])).result).toBe(EMPTY);
    const overridden = await t.rpc("eth_call", [call, "latest", { [target]: { code: RETURN_SLOT0, state: { [word(0n)]: word(42n) } } }]);
    expect(overridden.result).toBe(word(42n));
    const diff = await t.rpc("eth_call", [call, "latest", { [target]: { code: RETURN_SLOT0, stateDiff: { [word(0n)]: word(7n) } } }]);
    expect(diff.result).toBe(word(7n));
    // Applied to a throwaway copy: nothing of it remains, at the head or in any later read.
    expect((await t.rpc("eth_getCode", [target, "latest"])).result).toBe(EMPTY);
    expect((await t.rpc("eth_call", [call, "latest"])).result).toBe(EMPTY);
  });

  it("a balance and nonce override reach the executed code, at the head and at an older block", async () => {
    const caller = Wallet.createRandom().address.toLowerCase();
    const overrides = { [target]: { code: RETURN_CALLER_BALANCE }, [caller]: { balance: "0x1234", nonce: "0x5" } };
    for (const tag of ["latest", "0x0"]) {
      const reply = await t.rpc("eth_call", [{ from: caller, to: target }, tag, overrides]);
      expect(reply.result, tag).toBe(word(0x1234n));
    }
    expect((await t.rpc("eth_getBalance", [caller, "latest"])).result).toBe("0x0");
    expect((await t.rpc("eth_getTransactionCount", [caller, "latest"])).result).toBe("0x0");
  });

  it("state replaces the whole storage while stateDiff keeps the other slots", async () => {
    // A contract that stores 5 in slot 1 when deployed and returns slot 1 when called.
    const init = "0x6005600155600b6011600039600b6000f360015460005260206000f3";
    const receipt = await (await t.wallets[2]!.sendTransaction({ data: init })).wait();
    const contract = receipt!.contractAddress!.toLowerCase();
    expect((await t.rpc("eth_call", [{ to: contract }, "latest"])).result).toBe(word(5n));
    const diff = await t.rpc("eth_call", [{ to: contract }, "latest", { [contract]: { stateDiff: { [word(0n)]: word(1n) } } }]);
    expect(diff.result).toBe(word(5n));
    const replaced = await t.rpc("eth_call", [{ to: contract }, "latest", { [contract]: { state: { [word(0n)]: word(1n) } } }]);
    expect(replaced.result).toBe(word(0n));
    const changed = await t.rpc("eth_call", [{ to: contract }, "latest", { [contract]: { stateDiff: { [word(1n)]: word(9n) } } }]);
    expect(changed.result).toBe(word(9n));
    expect((await t.rpc("eth_call", [{ to: contract }, "latest"])).result).toBe(word(5n));
  });

  it("eth_estimateGas applies the override too", async () => {
    const plain = await t.rpc("eth_estimateGas", [{ to: target }, "latest"]);
    const withCode = await t.rpc("eth_estimateGas", [{ to: target }, "latest", { [target]: { code: RETURN_SLOT0 } }]);
    expect(BigInt(withCode.result as string)).toBeGreaterThan(BigInt(plain.result as string));
  });

  it("an override the node cannot apply is refused with -32602, never ignored", async () => {
    const cases: unknown[] = [
      "0x00",
      { [target]: { movePrecompileToAddress: target } },
      { [target]: { state: {}, stateDiff: {} } },
      { "not-an-address": { balance: "0x1" } },
      { [target]: { balance: "0x1".padEnd(70, "f") } },
      { [target]: { state: { "0x01": word(1n) } } },
    ];
    for (const overrides of cases) {
      for (const method of ["eth_call", "eth_estimateGas"]) {
        const reply = await t.rpc(method, [{ to: target }, "latest", overrides]);
        expect(reply.error?.code, `${method} ${JSON.stringify(overrides)}`).toBe(-32602);
      }
    }
  });
});

describe("eth_estimateGas and value", () => {
  it("eth_estimateGas ignored a value above the sender's balance", async () => {
    const poor = Wallet.createRandom().address;
    const reply = await t.rpc("eth_estimateGas", [{ from: poor, to: ZeroAddress, value: "0x1" }, "latest"]);
    expect(reply.error?.code).toBe(-32000);
    expect(reply.error?.message).toMatch(/insufficient funds/);
    const rich = t.wallets[1]!.address;
    expect((await t.rpc("eth_estimateGas", [{ from: rich, to: ZeroAddress, value: "0x1" }, "latest"])).result).toBe(hex(21_000));
    // A balance override counts.
    const funded = await t.rpc("eth_estimateGas", [{ from: poor, to: ZeroAddress, value: "0x1" }, "latest", { [poor]: { balance: "0x1" } }]);
    expect(funded.result).toBe(hex(21_000));
  });
});

describe("parameter errors", () => {
  it("maxPriorityFeePerGas above maxFeePerGas answered -32603 and was logged at error level", async () => {
    const before = logged.length;
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["eth_call", { to: ZeroAddress, maxFeePerGas: "0x1", maxPriorityFeePerGas: "0x2" }, /maxFeePerGas \(1\) < maxPriorityFeePerGas \(2\)/],
      ["eth_estimateGas", { to: ZeroAddress, maxFeePerGas: "0x1", maxPriorityFeePerGas: "0x2" }, /maxFeePerGas \(1\) < maxPriorityFeePerGas \(2\)/],
      ["eth_call", { to: ZeroAddress, gasPrice: "0x1", maxFeePerGas: "0x1" }, /both gasPrice and/],
      ["eth_call", { to: ZeroAddress, value: `0x1${"0".repeat(64)}` }, /value exceeds 256 bits/],
      ["eth_estimateGas", { to: ZeroAddress, gas: `0x1${"0".repeat(16)}` }, /gas exceeds 64 bits/],
      ["eth_createAccessList", { to: ZeroAddress, maxFeePerGas: "0x1", maxPriorityFeePerGas: "0x2" }, /maxPriorityFeePerGas/],
    ];
    for (const [method, call, reason] of cases) {
      const reply = await t.rpc(method, [call, "latest"]);
      expect(reply.error?.code, `${method} ${JSON.stringify(call)}`).toBe(-32602);
      expect(reply.error?.message).toMatch(reason);
    }
    const feeHistory = await t.rpc("eth_feeHistory", [1.5, "latest", []]);
    expect(feeHistory.error?.code).toBe(-32602);
    expect(logged.slice(before).filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe("block hashes where the spec allows a block", () => {
  it("a block hash passed as a plain string (ethers' getBalance(addr, blockHash)) failed", async () => {
    const rich = t.wallets[1]!.address;
    const atHash = await t.provider.getBalance(rich, mined.blockHash);
    expect(atHash).toBe(await t.provider.getBalance(rich, mined.blockNumber));
    for (const tag of [mined.blockHash, { blockHash: mined.blockHash }, { blockHash: mined.blockHash, requireCanonical: true }, { blockNumber: hex(mined.blockNumber) }]) {
      for (const [method, params] of [
        ["eth_getBalance", [rich, tag]],
        ["eth_getTransactionCount", [rich, tag]],
        ["eth_getCode", [rich, tag]],
        ["eth_getStorageAt", [rich, "0x0", tag]],
        ["eth_call", [{ to: rich }, tag]],
        ["eth_estimateGas", [{ to: rich }, tag]],
        ["eth_createAccessList", [{ to: rich }, tag]],
      ] as [string, unknown[]][]) {
        const reply = await t.rpc(method, params);
        expect(reply.error, `${method} ${JSON.stringify(tag)}`).toBeUndefined();
      }
    }
    const unknown = `0x${"ab".repeat(32)}`;
    expect((await t.rpc("eth_getBalance", [rich, unknown])).error?.message).toMatch(/header for hash not found/);
    expect((await t.rpc("eth_getBalance", [rich, { blockHash: mined.blockHash, blockNumber: "0x1" }])).error?.code).toBe(-32602);
  });

  it("eth_getBlockReceipts by hash answered a misleading null", async () => {
    for (const tag of [mined.blockHash, { blockHash: mined.blockHash }]) {
      const receipts = (await t.rpc("eth_getBlockReceipts", [tag])).result as { transactionHash: string }[];
      expect(receipts.map((r) => r.transactionHash), JSON.stringify(tag)).toContain(mined.hash);
    }
    expect((await t.rpc("eth_getBlockReceipts", [`0x${"ab".repeat(32)}`])).result).toBeNull();
  });
});

describe("JSON-RPC 2.0 and geth's answers", () => {
  it('"id": null was refused', async () => {
    const { json } = await t.post(JSON.stringify({ jsonrpc: "2.0", id: null, method: "eth_chainId", params: [] }));
    expect(json).toEqual({ jsonrpc: "2.0", id: null, result: hex(BigInt(t.chain.chainId)) });
    const wrong = await t.post(JSON.stringify({ jsonrpc: "2.0", id: { a: 1 }, method: "eth_chainId", params: [] }));
    expect((wrong.json as { error: { code: number } }).error.code).toBe(-32600);
  });

  it("eth_getLogs with fromBlock above toBlock returned [] instead of an error", async () => {
    const reply = await t.rpc("eth_getLogs", [{ fromBlock: "0x2", toBlock: "0x1" }]);
    expect(reply.error?.code).toBe(-32602);
    expect(reply.error?.message).toMatch(/invalid block range/);
    // A tag never makes the range an error (the indexer's "from the next block to latest").
    const head = await t.provider.getBlockNumber();
    expect((await t.rpc("eth_getLogs", [{ fromBlock: hex(head + 1), toBlock: "latest" }])).result).toEqual([]);
    expect((await t.rpc("eth_getLogs", [{ fromBlock: "0x1", toBlock: "0x1" }])).result).toEqual([]);
  });

  it("eth_createAccessList was missing", async () => {
    // A contract that stores 5 in slot 1 when deployed and returns slot 1 when called; called
    // through a forwarder so the contract is neither the sender nor the target.
    const init = "0x6005600155600b6011600039600b6000f360015460005260206000f3";
    const receipt = await (await t.wallets[2]!.sendTransaction({ data: init })).wait();
    const contract = receipt!.contractAddress!.toLowerCase();
    // Forwarder code: STATICCALL(gas, contract, 0, 0, 0, 32), return 32 bytes.
    const forwarder = Wallet.createRandom().address.toLowerCase();
    const code = `0x602060006000600073${contract.slice(2)}5afa5060206000f3`;
    const reply = await t.rpc("eth_createAccessList", [{ to: forwarder }, "latest", { [forwarder]: { code } }]);
    const result = reply.result as { accessList: { address: string; storageKeys: string[] }[]; gasUsed: string };
    expect(reply.error).toBeUndefined();
    expect(result.accessList).toEqual([{ address: contract, storageKeys: [word(1n)] }]);
    const withList = await t.rpc("eth_estimateGas", [{ to: forwarder, accessList: result.accessList }, "latest", { [forwarder]: { code } }]);
    expect(BigInt(result.gasUsed)).toBeLessThanOrEqual(BigInt(withList.result as string));
    const plain = (await t.rpc("eth_createAccessList", [{ to: ZeroAddress }])).result;
    expect(plain).toEqual({ accessList: [], gasUsed: hex(21_000) });
  });

  it("eth_newPendingTransactionFilter was missing", async () => {
    const id = (await t.rpc("eth_newPendingTransactionFilter")).result as string;
    expect(typeof id).toBe("string");
    const sent = await t.wallets[0]!.sendTransaction({ to: ZeroAddress });
    await sent.wait();
    expect((await t.rpc("eth_getFilterChanges", [id])).result).toEqual([sent.hash]);
    expect((await t.rpc("eth_getFilterChanges", [id])).result).toEqual([]);
    expect((await t.rpc("eth_uninstallFilter", [id])).result).toBe(true);
  });
});

describe("no parameter is an internal error", () => {
  it("malformed parameters to any method never answer -32603", async () => {
    const source = readFileSync(join(import.meta.dirname, "../../../node/chain/internal/RpcHandler.ts"), "utf8");
    const methods = [...new Set([...source.matchAll(/^\s+((?:eth|net|web3|hardhat)_\w+): async/gm)].map((m) => m[1]!))];
    expect(methods.length).toBeGreaterThan(40);
    const big = `0x${"f".repeat(70)}`;
    const garbage: unknown[][] = [
      [],
      [null],
      [{}],
      ["0x"],
      [1.5],
      [-1],
      [[]],
      [big, big, big],
      [{ to: "0x1" }],
      [{ to: ZeroAddress, gas: big, value: big }, "latest"],
      [{ to: ZeroAddress, maxFeePerGas: "0x0", maxPriorityFeePerGas: "0x1" }, big],
      [ZeroAddress, { blockHash: "0x12" }],
      [ZeroAddress, `0x${"0".repeat(64)}`, { blockNumber: big }],
      [{ fromBlock: big, toBlock: "0x0", address: [1], topics: [[null]] }],
      ["0x1", "latest", "not-an-array"],
    ];
    const internal: string[] = [];
    for (const method of methods) {
      if (method === "eth_sendRawTransaction") continue;
      for (const params of garbage) {
        const reply = await t.rpc(method, params);
        if (reply.error?.code === -32603) internal.push(`${method}(${JSON.stringify(params)})`);
      }
    }
    expect(internal).toEqual([]);
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
  });
});
