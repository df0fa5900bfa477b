// The move to a second, independent engine: a populated node (citizens, consents, credentials,
// anchored access-log batches from `imi up --demo`) is stopped, `imi besu-config` exports its whole
// state into the genesis alloc under a new chain id and retires the embedded chain, and anvil
// (Foundry's node, revm) boots that genesis with every account's code, storage, nonce and balance.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RLP } from "@ethereumjs/rlp";
import { Contract, JsonRpcProvider, Wallet, getAddress, hexlify } from "ethers";
import { pino } from "pino";
import { startChain, type AllocAccount } from "../../../node/chain/index.js";
import { qbftExtraData } from "../../../node/runtime/besuConfig.js";
import { openKeyRing } from "../../../node/runtime/keys.js";
import { freePort } from "../../helpers/hardhatNode.js";

const require = createRequire(import.meta.url);
const ANVIL = join(dirname(require.resolve("@foundry-rs/anvil-linux-amd64/package.json")), "bin", "anvil");

function imi(args: string[]): Promise<{ code: number | null; json: Record<string, unknown> }> {
  const child = spawn(process.execPath, ["cli/bin/imi.js", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, json: JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown> })));
}

async function rpc(url: string, calls: Array<[string, unknown[]]>): Promise<unknown[]> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(calls.map(([method, params], id) => ({ jsonrpc: "2.0", id, method, params }))),
  });
  const replies = (await res.json()) as Array<{ id: number; result?: unknown; error?: unknown }>;
  return replies.sort((a, b) => a.id - b.id).map((r) => {
    if (r.error !== undefined) throw new Error(JSON.stringify(r.error));
    return r.result;
  });
}

let work: string;
let dataDir: string;
let out: string;
let summary: Record<string, unknown>;
let besu: { code: number | null; json: Record<string, unknown> };
let anvil: ChildProcess | undefined;
let anvilUrl: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "imi-migrate-"));
  dataDir = join(work, "node");
  out = join(work, "besu");
  const node = spawn(process.execPath, ["cli/bin/imi.js", "--json", "up", "--demo", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => node.once("exit", resolve));
  summary = await new Promise<Record<string, unknown>>((resolve, reject) => {
    // The summary line, not a log line the node may print before it.
    createInterface({ input: node.stdout! }).on("line", (line) => line.startsWith('{"ok"') && resolve(JSON.parse(line) as Record<string, unknown>));
    void exited.then((code) => reject(new Error(`imi up --demo exited with ${String(code)}`)));
  });
  // The node must be stopped: its state is exported at its head.
  const running = await imi(["--json", "besu-config", "--data-dir", dataDir, "--out", out, "--validators", "1"]);
  expect(running.code).toBe(4);
  expect((running.json.error as { code: string }).code).toBe("BESU_NODE_RUNNING");
  node.kill("SIGINT");
  await exited;
  besu = await imi(["--json", "besu-config", "--data-dir", dataDir, "--out", out, "--validators", "1"]);
  expect(besu.code, JSON.stringify(besu.json)).toBe(0);
  const port = await freePort();
  anvilUrl = `http://127.0.0.1:${port}`;
  anvil = spawn(ANVIL, ["--init", join(out, "genesis.json"), "--host", "127.0.0.1", "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let text = "";
    const seen = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("Listening on")) resolve();
    };
    anvil!.stdout!.on("data", seen);
    anvil!.stderr!.on("data", seen);
    anvil!.once("exit", (code) => reject(new Error(`anvil exited ${String(code)}: ${text}`)));
  });
}, 600_000);

afterAll(async () => {
  anvil?.kill();
  await rm(work, { recursive: true, force: true });
});

describe("imi besu-config carries the whole state to a new network", () => {
  it("writes a genesis with the state, a chain id of its own and QBFT extraData", async () => {
    expect(besu.code).toBe(0);
    expect(besu.json).toMatchObject({ chainId: Number(summary.chainId) + 1, previousChainId: Number(summary.chainId) });
    expect(besu.json.accounts as number).toBeGreaterThan(10);
    expect(besu.json.slots as number).toBeGreaterThan(50);
    const genesis = JSON.parse(await readFile(join(out, "genesis.json"), "utf8")) as { config: { chainId: number }; extraData: string; alloc: Record<string, AllocAccount> };
    expect(genesis.config.chainId).toBe(Number(summary.chainId) + 1);
    const validators = besu.json.validators as Array<{ address: string }>;
    expect(genesis.extraData).toBe(qbftExtraData(validators.map((v) => v.address)));
    const decoded = RLP.decode(genesis.extraData) as unknown as [Uint8Array, Uint8Array[], Uint8Array[], Uint8Array, Uint8Array[]];
    expect(decoded[1].map((v) => getAddress(hexlify(v)))).toEqual(validators.map((v) => getAddress(v.address)));
    for (const address of Object.values(summary.contracts as Record<string, string>)) {
      expect(genesis.alloc[address.toLowerCase()]?.code, address).toMatch(/^0x[0-9a-f]+$/);
    }
    const config = await readFile(join(out, "validator-1", "config.toml"), "utf8");
    expect(config).toContain('rpc-ws-host="127.0.0.1"');
    expect(config).toMatch(/rpc-ws-api=\[[^\]]*"PERM"/);
    expect(config).not.toMatch(/rpc-http-api=\[[^\]]*"PERM"/);
  });

  it("anvil boots the genesis with every account's code, storage, nonce and balance", async () => {
    const genesis = JSON.parse(await readFile(join(out, "genesis.json"), "utf8")) as { alloc: Record<string, AllocAccount> };
    expect(await rpc(anvilUrl, [["eth_chainId", []]])).toEqual([`0x${(Number(summary.chainId) + 1).toString(16)}`]);
    let slots = 0;
    for (const [address, account] of Object.entries(genesis.alloc)) {
      const storage = Object.entries(account.storage ?? {});
      const answers = await rpc(anvilUrl, [
        ["eth_getCode", [address, "latest"]],
        ["eth_getBalance", [address, "latest"]],
        ["eth_getTransactionCount", [address, "latest"]],
        ...storage.map(([slot]) => ["eth_getStorageAt", [address, slot, "latest"]] as [string, unknown[]]),
      ]);
      expect(answers[0], address).toBe(account.code ?? "0x");
      expect(BigInt(answers[1] as string), address).toBe(BigInt(account.balance));
      expect(BigInt(answers[2] as string), address).toBe(BigInt(account.nonce));
      expect(answers.slice(3), address).toEqual(storage.map(([, value]) => value));
      slots += storage.length;
    }
    expect(slots).toBe(besu.json.slots);
  });

  it("imi up on the retired data directory without --rpc-url stops with CHAIN_RETIRED", async () => {
    const up = await imi(["--json", "up", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0"]);
    expect(up.code).not.toBe(0);
    expect((up.json.error as { code: string }).code).toBe("CHAIN_RETIRED");
  }, 120_000);

  it("answers the same reads on anvil as the retired chain at its last block", async () => {
    const keys = await openKeyRing(dataDir);
    const chain = await startChain({ dataDir: join(dataDir, "chain"), validatorKey: await keys.privateKey("validator", { create: false }), port: 0, logger: pino({ level: "silent" }) });
    const before = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const after = new JsonRpcProvider(anvilUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    try {
      expect(chain.retiredAt()).toMatchObject({ block: (besu.json.retired as { block: number }).block, successorChainId: Number(summary.chainId) + 1 });
      const contracts = summary.contracts as Record<string, string>;
      const rules = ["function allowedCount() view returns (uint256)", "function isAllowed(address) view returns (bool)"];
      for (const provider of [before, after]) {
        const accountRules = new Contract(contracts.accountRules!, rules, provider);
        expect(await accountRules.isAllowed(summary.gateway as string)).toBe(true);
      }
      expect(await new Contract(contracts.accountRules!, rules, after).allowedCount()).toBe(await new Contract(contracts.accountRules!, rules, before).allowedCount());

      // The retired chain refuses every transaction: nothing can be written there that the genesis lacks.
      const sender = new Wallet(await keys.privateKey("governor", { create: false }));
      const raw = await sender.signTransaction({ to: sender.address, chainId: BigInt(summary.chainId as number), nonce: 0, gasLimit: 21_000, gasPrice: 0 });
      const refused = await rpc(chain.url, [["eth_sendRawTransaction", [raw]]]).catch((error: Error) => error.message);
      expect(refused).toContain("CHAIN_RETIRED");
      expect(chain.blockNumber()).toBe(BigInt((besu.json.retired as { block: number }).block));
    } finally {
      before.destroy();
      after.destroy();
      await chain.close();
    }
  });
});
