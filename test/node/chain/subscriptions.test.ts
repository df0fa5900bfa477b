// New heads and logs reach subscribers over WebSocket (so the indexer need not poll), and the
// polling filters and eth_getLogs agree with them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { WebSocketProvider, ZeroAddress, getCreateAddress, zeroPadValue } from "ethers";
import { startTestChain, type TestChain } from "./helpers.js";

/** Runtime: slot0 += 1; LOG1(data = new value, topic = caller). Init code copies it out. */
const COUNTER_INIT = "0x601480600b6000396000f3" + "6000546001018060005560005233602060" + "00a100";

let t: TestChain;
let counter: string;

beforeAll(async () => {
  t = await startTestChain({ accounts: 2 });
  const [w] = t.wallets;
  counter = getCreateAddress({ from: w!.address, nonce: 0 });
  await (await w!.sendTransaction({ data: COUNTER_INIT, nonce: 0 })).wait();
});
afterAll(async () => t.cleanup());

type Message = { id?: number; result?: unknown; error?: { code: number }; method?: string; params?: { subscription: string; result: Record<string, unknown> } };

async function openSocket(url: string): Promise<{ ws: WebSocket; next(pred: (m: Message) => boolean): Promise<Message>; seen(pred: (m: Message) => boolean): boolean; call(method: string, params: unknown[]): Promise<Message> }> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const inbox: Message[] = [];
  const waiters: { pred: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  ws.on("message", (raw) => {
    const m = JSON.parse(String(raw)) as Message;
    const i = waiters.findIndex((w) => w.pred(m));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    else inbox.push(m);
  });
  let id = 0;
  const next = (pred: (m: Message) => boolean) =>
    new Promise<Message>((resolve) => {
      const i = inbox.findIndex(pred);
      if (i >= 0) resolve(inbox.splice(i, 1)[0]!);
      else waiters.push({ pred, resolve });
    });
  return {
    ws,
    next,
    seen: (pred) => inbox.some(pred),
    call(method, params) {
      const myId = ++id;
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: myId, method, params }));
      return next((m) => m.id === myId);
    },
  };
}

describe("WebSocket subscriptions", () => {
  it("pushes new heads and matching logs to eth_subscribe subscribers", async () => {
    const socket = await openSocket(t.chain.wsUrl);
    try {
      const heads = (await socket.call("eth_subscribe", ["newHeads"])).result as string;
      const logs = (await socket.call("eth_subscribe", ["logs", { address: counter }])).result as string;
      const otherLogs = (await socket.call("eth_subscribe", ["logs", { address: ZeroAddress }])).result as string;
      expect(heads).toMatch(/^0x/);
      const [w] = t.wallets;
      const receipt = await (await w!.sendTransaction({ to: counter })).wait();
      const head = await socket.next((m) => m.params?.subscription === heads);
      expect(head.params!.result.number).toBe(`0x${receipt!.blockNumber.toString(16)}`);
      expect(head.params!.result.hash).toBe(receipt!.blockHash);
      const log = await socket.next((m) => m.params?.subscription === logs);
      expect(log.params!.result).toMatchObject({ address: counter.toLowerCase(), transactionHash: receipt!.hash, topics: [zeroPadValue(w!.address, 32).toLowerCase()] });
      expect((await socket.call("eth_unsubscribe", [logs])).result).toBe(true);
      expect((await socket.call("eth_unsubscribe", [logs])).result).toBe(false);
      // Nothing arrived for the subscription whose filter matches no log.
      await socket.call("eth_blockNumber", []);
      expect(socket.seen((m) => m.params?.subscription === otherLogs)).toBe(false);
      expect((await socket.call("eth_subscribe", ["pendingTransactions"])).error?.code).toBe(-32602);
    } finally {
      socket.ws.close();
    }
  });

  it("serves ethers' WebSocketProvider block events", async () => {
    const provider = new WebSocketProvider(t.chain.wsUrl);
    try {
      let onBlock: (n: number) => void = () => undefined;
      const seen = new Promise<number>((resolve) => (onBlock = resolve));
      await provider.on("block", onBlock);
      await new Promise((r) => setTimeout(r, 50));
      const receipt = await (await t.wallets[1]!.sendTransaction({ to: counter })).wait();
      expect(await seen).toBeGreaterThanOrEqual(receipt!.blockNumber);
      // ethers sends eth_unsubscribe without awaiting it; destroying the provider before its answer
      // leaves a rejection nobody handles. A request sent after it is answered after it.
      await provider.off("block", onBlock);
      await provider.send("eth_blockNumber", []);
    } finally {
      await provider.destroy();
    }
  });

  it("refuses eth_subscribe over HTTP", async () => {
    expect((await t.rpc("eth_subscribe", ["newHeads"])).error?.code).toBe(-32601);
  });
});

describe("filters and eth_getLogs", () => {
  it("polling filters report new blocks and logs once; eth_getLogs filters by topic and block hash", async () => {
    const blockFilter = (await t.rpc("eth_newBlockFilter")).result as string;
    const logFilter = (await t.rpc("eth_newFilter", [{ address: counter }])).result as string;
    const [w] = t.wallets;
    const receipt = await (await w!.sendTransaction({ to: counter })).wait();
    expect((await t.rpc("eth_getFilterChanges", [blockFilter])).result).toContain(receipt!.blockHash);
    const changes = (await t.rpc("eth_getFilterChanges", [logFilter])).result as { transactionHash: string }[];
    expect(changes.map((l) => l.transactionHash)).toEqual([receipt!.hash]);
    expect((await t.rpc("eth_getFilterChanges", [logFilter])).result).toEqual([]);
    expect((await t.rpc("eth_uninstallFilter", [logFilter])).result).toBe(true);
    expect((await t.rpc("eth_getFilterChanges", [logFilter])).error).toBeDefined();

    const byTopic = await t.provider.getLogs({ address: counter, topics: [zeroPadValue(w!.address, 32)], fromBlock: 0 });
    expect(byTopic.length).toBeGreaterThanOrEqual(2);
    expect(byTopic.every((l) => l.topics[0] === zeroPadValue(w!.address, 32).toLowerCase())).toBe(true);
    const inBlock = await t.provider.getLogs({ blockHash: receipt!.blockHash });
    expect(inBlock.map((l) => l.transactionHash)).toEqual([receipt!.hash]);
    const none = await t.provider.getLogs({ address: counter, topics: [zeroPadValue(ZeroAddress, 32)], fromBlock: 0 });
    expect(none).toEqual([]);
  });
});
