// A failure inside block production fails closed: the chain refuses transactions with
// CHAIN_FAILED, says so in its readiness (the gateway's /readyz), keeps serving reads of its
// durable head, and the process stays up. The fault here is a real one: permissioning handed to an
// AccountRules contract whose check cannot run (its caller, the zero address, holds code, so
// every call is refused by EIP-3607), found while a pooled transaction is checked again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Transaction, Wallet } from "ethers";
import { startTestChain, type TestChain } from "./helpers.js";

const RULES = "0x00000000000000000000000000000000000a11e5";
let t: TestChain;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  t = await startTestChain({
    accounts: 1,
    genesis: {
      alloc: {
        "0x0000000000000000000000000000000000000000": { code: "0x00" },
        // Returns 1 (allowed), were it ever reached.
        [RULES]: { code: "0x600160005260206000f3" },
      },
    },
    // Long enough that the permissioning changes before the pooled transaction's block runs.
    config: { batchDelayMs: 1_500 },
  });
}, 60_000);
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await t?.cleanup();
});

const signed = async (w: Wallet, nonce: number) =>
  w.signTransaction(Transaction.from({ to: w.address, gasLimit: 21_000, gasPrice: 0, nonce, chainId: t.chain.chainId }));

describe("a failure inside block production", () => {
  it("refuses transactions with CHAIN_FAILED, reports the chain not ready, keeps serving reads, and leaves nothing unhandled", async () => {
    const [w] = t.wallets as [Wallet];
    expect(t.chain.storageStatus().ready).toBe(true);
    const sent = await t.rpc("eth_sendRawTransaction", [await signed(w, 0)]);
    expect(sent.error).toBeUndefined();
    t.chain.setAccountRules(RULES);
    while (t.chain.storageStatus().ready) await new Promise((resolve) => setTimeout(resolve, 50));
    const status = t.chain.storageStatus();
    expect(status).toMatchObject({ part: "chain", ready: false, code: "CHAIN_FAILED" });
    expect(status.reason).toMatch(/restart/);
    const refused = await t.rpc("eth_sendRawTransaction", [await signed(w, 1)]);
    expect((refused.error?.data as { code?: string } | undefined)?.code).toBe("CHAIN_FAILED");
    // Reads of the durable head go on; the failed block was never sealed.
    expect(await t.rpc("eth_blockNumber")).toMatchObject({ result: "0x0" });
    expect((await t.rpc("eth_getBalance", [w.address, "latest"])).error).toBeUndefined();
    expect(unhandled).toEqual([]);
  }, 60_000);
});
