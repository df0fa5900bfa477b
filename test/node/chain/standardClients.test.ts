// What standard clients (geth-compatible tools, ethers, viem, cast) send and expect, against a real
// node on loopback. Each test is named after what broke.
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
