// A full disk under the chain: a real tmpfs as the data directory, filled until writes fail, under a
// real `imi chain start` process. The chain must not crash nor corrupt: it refuses transactions
// with a JSON-RPC error, keeps answering reads, and writes again by itself once space returns,
// with every acknowledged transaction mined.
import { spawn, type ChildProcess } from "node:child_process";
import { truncate, stat } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Wallet } from "ethers";
import { mountTmpfs, tmpfsUnavailable, type Tmpfs } from "../../helpers/tmpfs.js";

const BIN = fileURLToPath(new URL("../../../cli/bin/imi.js", import.meta.url));

type Running = { child: ChildProcess; url: string; chainId: number; stderr: () => string; exited: Promise<number | null> };

function startChainProcess(dataDir: string, allow: string): Promise<Running> {
  const child = spawn(process.execPath, [BIN, "--json", "chain", "start", "--data-dir", dataDir, "--port", "0", "--allow", allow, "--log-level", "warn"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.startsWith("{")) return;
      const out = JSON.parse(line) as { ok: boolean; url: string; chainId: number };
      if (out.ok) resolve({ child, url: out.url, chainId: out.chainId, stderr: () => stderr, exited });
      else reject(new Error(line));
    });
    void exited.then((code) => reject(new Error(`imi chain start exited ${code}: ${stderr}`)));
  });
}

type Reply = { result?: unknown; error?: { code: number; message: string; data?: { code?: string } } };

async function rpc(url: string, method: string, params: unknown[] = []): Promise<Reply> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return (await res.json()) as Reply;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 300, everyMs = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const got = await probe();
    if (got !== undefined) return got;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

if (tmpfsUnavailable) console.warn(`chain full-disk tests skipped: ${tmpfsUnavailable}`);

describe.skipIf(tmpfsUnavailable !== undefined)("chain on a full disk", () => {
  let disk: Tmpfs | undefined;
  let running: Running | undefined;

  afterAll(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill("SIGKILL");
      await running.exited;
    }
    await disk?.unmount();
  });

  it("a full disk while sealing neither crashes nor corrupts the chain: it refuses transactions with a JSON-RPC error, keeps answering reads, and recovers by itself", async () => {
    disk = mountTmpfs(24);
    const wallet = Wallet.createRandom();
    running = await startChainProcess(disk.path, wallet.address);
    const { url, chainId } = running;
    let nonce = 0;
    const sign = () => wallet.signTransaction({ to: wallet.address, value: 0n, nonce: nonce, gasLimit: 21_000n, gasPrice: 0n, chainId, type: 0 });
    const send = async () => {
      const reply = await rpc(url, "eth_sendRawTransaction", [await sign()]);
      if (reply.result !== undefined) nonce++;
      return reply;
    };
    const receipt = (hash: string) => until(`receipt of ${hash}`, async () => ((await rpc(url, "eth_getTransactionReceipt", [hash])).result ?? undefined) as { status: string; blockNumber: string } | undefined);

    const first = await send();
    const acknowledged: string[] = [first.result as string];
    await receipt(first.result as string);
    const headBefore = (await rpc(url, "eth_blockNumber")).result as string;

    // Full, then a few KiB back, so a pool record may still fit while the block that holds it does not.
    const filled = await disk.fill();
    const filler = join(disk.path, "filler-0");
    await truncate(filler, Math.max(0, (await stat(filler)).size - 12 * 1024));
    let refusal: Reply["error"];
    for (let i = 0; i < 200 && refusal === undefined; i++) {
      const reply = await send();
      if (reply.result !== undefined) acknowledged.push(reply.result as string);
      else refusal = reply.error;
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log(`filler ${filled} bytes; ${acknowledged.length - 1} transactions acknowledged on the full disk before the first refusal`);
    expect(refusal).toMatchObject({ code: -32000, data: { code: "CHAIN_STORAGE_UNAVAILABLE" } });
    // Still refusing, still alive, still answering reads from the durable head.
    expect((await send()).error).toMatchObject({ code: -32000, data: { code: "CHAIN_STORAGE_UNAVAILABLE" } });
    expect(running.child.exitCode).toBeNull();
    const headWhileFull = (await rpc(url, "eth_blockNumber")).result as string;
    expect(BigInt(headWhileFull)).toBeGreaterThanOrEqual(BigInt(headBefore));
    expect((await rpc(url, "eth_getBlockByNumber", ["latest", false])).result).toMatchObject({ number: headWhileFull });
    expect((await rpc(url, "eth_getTransactionCount", [wallet.address, "latest"])).error).toBeUndefined();
    expect((await rpc(url, "eth_getTransactionReceipt", [first.result])).result).toMatchObject({ status: "0x1" });

    // Space returns: the chain takes transactions again by itself and mines every acknowledged one.
    await disk.free();
    const after = await until("a transaction accepted after space returned", async () => {
      const reply = await send();
      return reply.result as string | undefined;
    });
    acknowledged.push(after);
    for (const hash of acknowledged) expect((await receipt(hash)).status).toBe("0x1");
    expect(running.child.exitCode).toBeNull();
    expect(running.stderr()).not.toMatch(/"level":60/);

    // Not corrupted: a clean stop and a restart on the same directory keep every block and receipt.
    const head = (await rpc(url, "eth_blockNumber")).result as string;
    running.child.kill("SIGINT");
    expect(await running.exited).toBe(0);
    running = await startChainProcess(disk.path, wallet.address);
    expect(BigInt((await rpc(running.url, "eth_blockNumber")).result as string)).toBeGreaterThanOrEqual(BigInt(head));
    for (const hash of acknowledged) expect((await rpc(running.url, "eth_getTransactionReceipt", [hash])).result).toMatchObject({ status: "0x1" });
    const again = await rpc(running.url, "eth_sendRawTransaction", [await sign()]);
    expect(again.error).toBeUndefined();
    running.child.kill("SIGINT");
    expect(await running.exited).toBe(0);
  });
});
