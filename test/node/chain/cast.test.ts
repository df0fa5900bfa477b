// The node driven by Foundry's `cast` (npm @foundry-rs/cast ships the binary), a client nobody
// here wrote, with its defaults: chain id, block, call, send, receipt, logs, and logs --subscribe
// over WebSocket.
import { execFile, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rm } from "node:fs/promises";
import { Wallet } from "ethers";
import { FEE_FLOAT_WEI, startChain, withFeeFloat } from "../../../node/chain/index.js";
import { makeTempDir, quietLogger, startTestChain, type TestChain } from "./helpers.js";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
/** The binary of the platform package npm installed beside @foundry-rs/cast. */
const CAST = join(dirname(require.resolve(`@foundry-rs/cast-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}/package.json`)), "bin", "cast");

let t: TestChain;
/** Creation code that logs LOG1(topic 0x11..11) and deploys `return slot 0` as runtime. */
const TOPIC = `0x${"11".repeat(32)}`;
const ZERO = `0x${"00".repeat(20)}`;
const INIT = `0x7f${TOPIC.slice(2)}60006000a1600b6032600039600b6000f360005460005260206000f3`;

async function cast(...args: string[]): Promise<string> {
  const { stdout } = await run(CAST, args, { env: { ...process.env, FOUNDRY_DISABLE_NIGHTLY_WARNING: "1", NO_COLOR: "1" } });
  return stdout.trim();
}

beforeAll(async () => {
  // Funded: cast's defaults pay a tip of at least 1 wei, which a zero balance cannot pay (the
  // node's own genesis gives allowlisted accounts the fee float; see the last test).
  t = await startTestChain({ accounts: 2, fund: true });
});
afterAll(async () => t.cleanup());

describe("Foundry cast with its defaults", () => {
  it("reads the chain id and a block, sends with defaults, reads the receipt, calls and finds the logs", async () => {
    const url = t.chain.url;
    expect(await cast("chain-id", "--rpc-url", url)).toBe(String(t.chain.chainId));
    const block = JSON.parse(await cast("block", "latest", "--json", "--rpc-url", url)) as { number: string; hash: string };
    expect(block.hash).toMatch(/^0x[0-9a-f]{64}$/);

    const key = t.wallets[0]!.privateKey;
    const sent = JSON.parse(await cast("send", "--private-key", key, "--rpc-url", url, "--json", "--create", INIT)) as {
      status: string;
      contractAddress: string;
      transactionHash: string;
      blockNumber: string;
    };
    expect(sent.status).toBe("0x1");
    const receipt = JSON.parse(await cast("receipt", sent.transactionHash, "--json", "--rpc-url", url)) as { status: string; logs: { topics: string[] }[] };
    expect(receipt.status).toBe("0x1");
    expect(receipt.logs[0]!.topics).toEqual([TOPIC]);

    expect(await cast("call", sent.contractAddress, "--rpc-url", url)).toBe(`0x${"00".repeat(32)}`);
    const logs = JSON.parse(await cast("logs", "--from-block", "0", "--to-block", "latest", "--address", sent.contractAddress, "--json", "--rpc-url", url)) as {
      topics: string[];
    }[];
    expect(logs.map((l) => l.topics[0])).toEqual([TOPIC]);

    // A plain value transfer with every default (type, fees, gas, nonce).
    const transfer = JSON.parse(await cast("send", "--private-key", key, "--rpc-url", url, "--json", t.wallets[1]!.address, "--value", "1")) as { status: string };
    expect(transfer.status).toBe("0x1");
  });

  it("follows new logs with logs --subscribe over WebSocket", async () => {
    const child = spawn(CAST, ["logs", "--subscribe", "--json", "--rpc-url", t.chain.wsUrl, TOPIC], { env: { ...process.env, NO_COLOR: "1" } });
    try {
      let out = "";
      let err = "";
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      const seen = new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          // --json streams a JSON array, one object per log, without newlines.
          const first = /\{[^{}]*\}/.exec(out);
          if (first !== null) resolve(first[0]);
        });
        child.on("exit", (code) => reject(new Error(`cast logs --subscribe exited ${code}: ${err}`)));
        setTimeout(() => reject(new Error(`no log from cast logs --subscribe; stdout ${out}; stderr ${err}`)), 30_000).unref();
      });
      // Send until the subscription (set up asynchronously by cast) reports one.
      let stop = false;
      const sender = (async () => {
        while (!stop) {
          await (await t.wallets[1]!.sendTransaction({ data: INIT })).wait();
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      try {
        const log = JSON.parse(await seen) as { topics: string[]; blockTimestamp: string };
        expect(log.topics).toEqual([TOPIC]);
      } finally {
        stop = true;
        await sender;
      }
    } finally {
      child.kill();
    }
  });

  it("an allowlisted account without a balance sends with zero fees given explicitly", async () => {
    const unfunded = await startTestChain({ accounts: 1 });
    try {
      const args = ["send", "--private-key", unfunded.wallets[0]!.privateKey, "--rpc-url", unfunded.chain.url, "--json", ZERO];
      await expect(cast(...args)).rejects.toThrow(/insufficient funds/);
      const sent = JSON.parse(await cast(...args, "--gas-price", "0", "--priority-gas-price", "0")) as { status: string };
      expect(sent.status).toBe("0x1");
    } finally {
      await unfunded.cleanup();
    }
  });

  it("a genesis with the fee float lets allowlisted accounts send with cast's defaults, and a balance admits no one the allowlist does not", async () => {
    const dir = await makeTempDir();
    const validator = Wallet.createRandom();
    const member = Wallet.createRandom();
    const outsider = Wallet.createRandom();
    // The outsider holds a balance too, written into the alloc by hand: it must still be refused.
    const genesis = withFeeFloat({
      validator: validator.address,
      allowlist: [member.address],
      alloc: { [outsider.address]: { balance: FEE_FLOAT_WEI.toString() } },
    });
    expect(genesis.alloc[member.address]).toEqual({ balance: FEE_FLOAT_WEI.toString() });
    const chain = await startChain({ dataDir: dir, validatorKey: validator.privateKey, port: 0, genesis, logger: quietLogger });
    try {
      const sent = JSON.parse(await cast("send", "--private-key", member.privateKey, "--rpc-url", chain.url, "--json", outsider.address, "--value", "1")) as {
        status: string;
      };
      expect(sent.status).toBe("0x1");
      await expect(cast("send", "--private-key", outsider.privateKey, "--rpc-url", chain.url, "--json", ZERO)).rejects.toThrow(/not authorized/);
    } finally {
      await chain.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
