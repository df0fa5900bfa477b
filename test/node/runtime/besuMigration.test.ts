// The move to a second, independent engine: a populated node (citizens, consents, credentials,
// anchored access-log batches from `imi up --demo`) is stopped, `imi besu-config` exports its whole
// state into the genesis alloc under a new chain id and retires the embedded chain, and anvil
// (Foundry's node, revm) boots that genesis with every account's code, storage, nonce and balance;
// then `imi up --rpc-url` continues on it from the old data directory: the same consent decisions,
// new accesses anchored on anvil, and `imi audit verify` across the boundary.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RLP } from "@ethereumjs/rlp";
import { Contract, JsonRpcProvider, Wallet, getAddress, hexlify } from "ethers";
import { pino } from "pino";
import { httpTransport } from "@imi-ledger/sdk";
import { startChain, type AllocAccount } from "../../../node/chain/index.js";
import { Indexer } from "../../../node/indexer/index.js";
import { NodeError } from "../../../node/NodeError.js";
import { qbftExtraData } from "../../../node/runtime/besuConfig.js";
import { readManifest } from "../../../node/runtime/deploy.js";
import { openKeyRing } from "../../../node/runtime/keys.js";
import { checkSuccessor, deploymentOnChain, readMigrationRecord } from "../../../node/runtime/migration.js";
import { freePort } from "../../helpers/hardhatNode.js";
import { startTestChain } from "../chain/helpers.js";

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
let anvilUrl: string;
const anvils: ChildProcess[] = [];
/** Every consent's decision in the stopped node's index before the move, at one fixed time. */
let before: Awaited<ReturnType<typeof consentDecisions>>;
const decidedAt = BigInt(Math.floor(Date.now() / 1000));

/** Reads the stopped node's index: each demo citizen's consents and the decision each gives at `decidedAt`. */
async function consentDecisions(): Promise<{ citizen1: string; decisions: Record<string, string> }> {
  const keys = await openKeyRing(dataDir);
  const { identityRegistry, consentRegistry, credentialRegistry, accessManager } = (await readManifest(dataDir))!.contracts;
  // Never synced: only what the index already holds is read.
  const indexer = await Indexer.open({
    dir: join(dataDir, "gateway", "index"),
    rpc: httpTransport("http://127.0.0.1:9"),
    contracts: { identityRegistry, consentRegistry, credentialRegistry, accessManager: accessManager! },
    pollIntervalMs: 0,
  });
  try {
    const decisions: Record<string, string> = {};
    const citizens = await Promise.all([1, 2, 3].map(async (i) => indexer.identityOfKey(await keys.address(`demo-citizen-${i}`))!));
    for (const citizen of citizens) {
      for (const c of indexer.consentsOfCitizen(citizen)) {
        decisions[c.consentId] = JSON.stringify(indexer.checkAccess(c.consentId, c.agency, citizen, c.scopes, c.purpose, decidedAt));
      }
    }
    return { citizen1: citizens[0]!, decisions };
  } finally {
    await indexer.close();
  }
}

/** Boots anvil from a genesis file; anvil's --base-fee 0 is Besu's zeroBaseFee, and no dev accounts are added. */
async function bootAnvil(genesisFile: string): Promise<string> {
  const port = await freePort();
  const child = spawn(ANVIL, ["--init", genesisFile, "--accounts", "0", "--base-fee", "0", "--host", "127.0.0.1", "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  anvils.push(child);
  await new Promise<void>((resolve, reject) => {
    let text = "";
    const seen = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("Listening on")) resolve();
    };
    child.stdout!.on("data", seen);
    child.stderr!.on("data", seen);
    child.once("exit", (code) => reject(new Error(`anvil exited ${String(code)}: ${text}`)));
  });
  return `http://127.0.0.1:${port}`;
}

/** Waits for imi up's summary line; resolves with it and the process. */
async function startImi(args: string[]): Promise<{ node: ChildProcess; exited: Promise<unknown>; summary: Record<string, unknown> }> {
  const node = spawn(process.execPath, ["cli/bin/imi.js", "--json", "up", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => node.once("exit", resolve));
  const summary = await new Promise<Record<string, unknown>>((resolve, reject) => {
    // The summary line, not a log line the node may print before it.
    createInterface({ input: node.stdout! }).on("line", (line) => (line.startsWith('{"ok"') || line.startsWith('{"error"')) && resolve(JSON.parse(line) as Record<string, unknown>));
    void exited.then((code) => reject(new Error(`imi up exited with ${String(code)}`)));
  });
  return { node, exited, summary };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "imi-migrate-"));
  dataDir = join(work, "node");
  out = join(work, "besu");
  const started = await startImi(["--demo", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0"]);
  const node = started.node;
  const exited = started.exited;
  summary = started.summary;
  expect((summary.demo as { ok: boolean }).ok, JSON.stringify(summary.demo)).toBe(true);
  // The node must be stopped: its state is exported at its head.
  const running = await imi(["--json", "besu-config", "--data-dir", dataDir, "--out", out, "--validators", "1"]);
  expect(running.code).toBe(4);
  expect((running.json.error as { code: string }).code).toBe("BESU_NODE_RUNNING");
  node.kill("SIGINT");
  await exited;
  before = await consentDecisions();
  besu = await imi(["--json", "besu-config", "--data-dir", dataDir, "--out", out, "--validators", "1"]);
  expect(besu.code, JSON.stringify(besu.json)).toBe(0);
  anvilUrl = await bootAnvil(join(out, "genesis.json"));
}, 600_000);

afterAll(async () => {
  for (const child of anvils) child.kill();
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

  it("refuses a chain that does not continue the retired one, with a code, and changes nothing", async () => {
    const manifest = (await readManifest(dataDir))!;
    const record = (await readMigrationRecord(dataDir))!;
    expect(record).toMatchObject({ previousChainId: Number(summary.chainId), chainId: Number(summary.chainId) + 1, block: (besu.json.retired as { block: number }).block });
    // Another chain id than the recorded successor's.
    await expect(deploymentOnChain(dataDir, manifest, anvilUrl, Number(summary.chainId) + 2)).rejects.toMatchObject({ code: "DEPLOY_CHAIN_MISMATCH" });
    // The right chain id, but one stored slot of AccessLog differs from the exported state.
    const genesis = JSON.parse(await readFile(join(out, "genesis.json"), "utf8")) as { alloc: Record<string, AllocAccount> };
    const accessLog = genesis.alloc[manifest.contracts.accessLog.toLowerCase()]!;
    const [slot] = Object.keys(accessLog.storage!);
    accessLog.storage![slot!] = `0x${"11".repeat(32)}`;
    const forged = join(work, "forged-genesis.json");
    await writeFile(forged, JSON.stringify(genesis));
    const error = await checkSuccessor(await bootAnvil(forged), record).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect((error as NodeError).code).toBe("MIGRATION_SUCCESSOR_MISMATCH");
    expect((error as NodeError).details).toMatchObject({ contract: "accessLog" });
    expect((await readManifest(dataDir))!.chainId).toBe(Number(summary.chainId));
  }, 60_000);

  it("imi up --rpc-url continues on anvil: same decisions, new accesses anchored there, the log verifies across the boundary", async () => {
    const successor = Number(summary.chainId) + 1;
    // A node that speaks Besu's PERM methods stands in for the validators: the node keeps its allowlist equal to AccountRules.
    const validator = await startTestChain({ accounts: 1, config: { permApi: true } });
    await writeFile(join(dataDir, "imi.json"), JSON.stringify({ chain: { validators: [validator.chain.url], allowlistSyncIntervalMs: 500 } }));
    const { node, exited, summary: up } = await startImi(["--data-dir", dataDir, "--rpc-url", anvilUrl, "--chain-port", "0", "--gateway-port", "0"]);
    try {
      // The allowlist at the move (migration.json) plus anvil's events: the validator's list becomes AccountRules'.
      const record = (await readMigrationRecord(dataDir))!;
      const inStep = async () => (JSON.parse(await readFile(join(dataDir, "allowlist-sync.json"), "utf8").catch(() => "{}")) as { round?: { inStep: boolean } }).round?.inStep === true;
      while (!(await inStep())) await new Promise((resolve) => setTimeout(resolve, 300));
      const sync = await imi(["--json", "allowlist-sync", "--data-dir", dataDir, "--status"]);
      expect(sync.code, JSON.stringify(sync.json)).toBe(0);
      expect((sync.json.status as { round: { allowlist: string[] } }).round.allowlist).toEqual([...record.allowlist].sort());
      const perm = (await validator.rpc("perm_getAccountsAllowlist")).result as string[];
      expect(perm.map((a) => getAddress(a)).sort()).toEqual([...record.allowlist].sort());

      expect(up).toMatchObject({ ok: true, chainId: successor, embeddedChain: false, deployedNow: false });
      const manifest = (await readManifest(dataDir))!;
      expect(manifest).toMatchObject({ chainId: successor, fromBlock: 0, continues: { chainId: Number(summary.chainId), block: (besu.json.retired as { block: number }).block } });

      // A new consent, signed for the new chain id and relayed onto anvil, and a read under it.
      const agency = await (await openKeyRing(dataDir)).address("demo-agency-1");
      const grant = await imi(["--json", "consent", "grant", "--data-dir", dataDir, "--key", "demo-citizen-1", "--agency", agency, "--scopes", "address", "--purpose", "social-benefits", "--for", "30d", "--yes"]);
      expect(grant.code, JSON.stringify(grant.json)).toBe(0);
      const read = await imi(["--json", "agency", "request", "--data-dir", dataDir, "--key", "demo-agency-1", "--citizen", before.citizen1, "--scopes", "address", "--purpose", "social-benefits", "--grant", grant.json.consentId as string]);
      expect(read.code, JSON.stringify(read.json)).toBe(0);

      // The read's record is anchored on anvil, after the batches anchored on the retired chain.
      const batchesOnAnvil = async () => ((await rpc(anvilUrl, [["eth_getLogs", [{ address: manifest.contracts.accessLog, fromBlock: "0x0", toBlock: "latest" }]]]))[0] as unknown[]).length;
      while ((await batchesOnAnvil()) === 0) await new Promise((resolve) => setTimeout(resolve, 200));
      let audit = await imi(["--json", "audit", "verify", "--data-dir", dataDir]);
      // A record may still sit in a batch cut after the log was read: the next run checks it.
      while (audit.code === 0 && (audit.json.anchoredThroughSeq as number) < ((read.json.receipt as { seq: number }).seq)) audit = await imi(["--json", "audit", "verify", "--data-dir", dataDir]);
      expect(audit.code, JSON.stringify(audit.json)).toBe(0);
      expect(audit.json).toMatchObject({ ok: true, nodeRunning: true });
      expect(audit.json.batchesChecked as number).toBeGreaterThan(await batchesOnAnvil());
    } finally {
      node.kill("SIGINT");
      await exited;
      await validator.cleanup();
    }
    // Every consent decided before the move decides the same from the index that moved.
    const after = await consentDecisions();
    expect(Object.keys(before.decisions).length).toBeGreaterThan(0);
    for (const [consentId, decision] of Object.entries(before.decisions)) expect(after.decisions[consentId], consentId).toBe(decision);
  }, 300_000);
});
