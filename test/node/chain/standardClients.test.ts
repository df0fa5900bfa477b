// What standard clients (geth-compatible tools, ethers, viem, cast) send and expect, against a real
// node on loopback. Each test is named after what broke.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, ZeroAddress } from "ethers";
import { startTestChain, type TestChain } from "./helpers.js";

let t: TestChain;
let mined: { hash: string; blockNumber: number; blockHash: string };

/** Returns storage slot 0 of the called contract. */
const RETURN_SLOT0 = "0x60005460005260206000f3";
/** Returns the balance of the caller. */
const RETURN_CALLER_BALANCE = "0x33316000526020 6000f3".replace(" ", "");
/** Returns the nonce-independent address's own code size. */
const EMPTY = "0x";

beforeAll(async () => {
  t = await startTestChain({ accounts: 3, fund: true });
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
