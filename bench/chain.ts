// Throughput, latency, restart time, disk and memory of the embedded chain, with the same
// workload run against Hardhat's node for a ratio. Prints figures; asserts nothing.
//
// Usage: npm run bench:chain [-- --json] [-- --n 2000 --accounts 200 --history 100000 --no-hardhat]
// With --json the last line is one JSON object. IMI_BENCH_VERBOSE=1 adds CPU per transaction of
// node and client and the node's GC time by kind; IMI_BENCH_NODE_ARGS passes flags to the node
// process (e.g. --cpu-prof, --max-old-space-size=256); IMI_CHAIN_LOG_LEVEL=debug shows each
// block's timings; IMI_STORAGE_MAX_OPEN_FILES sets the chain store's open table files (74 unless
// set), as it does for `imi up`.
//
// Workload: citizens (many accounts, no funds on the embedded chain) each send signed
// ConsentRegistry.grant transactions over HTTP JSON-RPC, one at a time per citizen, and wait for
// the receipt before the next (a closed loop, like wallets do). Time to receipt runs from the
// moment eth_sendRawTransaction is sent to the moment the block holding it is served.
import { spawn, type ChildProcess } from "node:child_process";
import { PerformanceObserver } from "node:perf_hooks";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { Agent, request } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import secp256k1 from "secp256k1";
import { WebSocket } from "ws";
import { pino } from "pino";
import {
  Contract,
  ContractFactory,
  Interface,
  JsonRpcProvider,
  Signature,
  Transaction,
  Wallet,
  getBytes,
  hexlify,
  id,
  keccak256,
  randomBytes,
} from "ethers";
import { readArtifact } from "../test/helpers/artifacts.js";
import { FIXTURE_PROFILE, registerFixtureAgency } from "../test/helpers/agencies.js";
import { freePort } from "../test/helpers/hardhatNode.js";

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};

// ------------------------------------------------------------------ helpers

const artifact = readArtifact;

let rpcId = 0;
// Plain node:http with keep-alive: the client shares the two cores with the node, and fetch cost
// about twice the CPU per request. Both engines are driven by this same client.
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const body = JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params });
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
  const reply = JSON.parse(text) as { result?: T; error?: { code: number; message: string } };
  if (reply.error) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.result as T;
}

function sign(key: Uint8Array, tx: { to: string; data: string; nonce: number; gasLimit: bigint; gasPrice: bigint; chainId: bigint }): string {
  const t = Transaction.from({ type: 0, ...tx });
  const { signature, recid } = secp256k1.ecdsaSign(getBytes(t.unsignedHash), key);
  t.signature = Signature.from({ r: hexlify(signature.subarray(0, 32)), s: hexlify(signature.subarray(32)), v: 27 + recid });
  return t.serialized;
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? await dirBytes(p) : (await stat(p)).size;
  }
  return total;
}

/** Resident memory of a process: total (with mapped database files) and private (anonymous). */
async function procMemoryMb(pid: number): Promise<{ rss: number; hwm: number; anon: number }> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024, anon: kb("RssAnon") / 1024 };
  } catch {
    return { rss: 0, hwm: 0, anon: 0 };
  }
}

async function procCpuMs(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Resolves transaction hashes when a block holding them is served. Learns of new blocks from a
 * WebSocket newHeads subscription when the engine offers one, else by polling the head.
 */
class BlockWatcher {
  private readonly waiting = new Map<string, (at: number) => void>();
  private next: number;
  private stopped = false;
  private wake: (() => void) | undefined;
  private socket: WebSocket | undefined;
  private done: Promise<void> = Promise.resolve();

  private constructor(
    private readonly url: string,
    from: number,
  ) {
    this.next = from;
  }

  static async start(url: string, from: number): Promise<BlockWatcher> {
    const w = new BlockWatcher(url, from);
    try {
      const socket = new WebSocket(url.replace(/^http/, "ws"));
      await new Promise<void>((resolve, reject) => {
        socket.once("open", () => resolve());
        socket.once("error", reject);
      });
      socket.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
      const subscribed = await new Promise<boolean>((resolve) => socket.once("message", (m) => resolve(typeof JSON.parse(String(m)).result === "string")));
      if (!subscribed) throw new Error("no newHeads");
      socket.on("message", () => w.wake?.());
      w.socket = socket;
    } catch {
      w.socket = undefined;
    }
    w.done = w.loop();
    return w;
  }

  wait(hash: string): Promise<number> {
    return new Promise((resolve) => this.waiting.set(hash.toLowerCase(), resolve));
  }

  private async sleep(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      setTimeout(resolve, this.socket === undefined ? 2 : 50);
    });
    this.wake = undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const head = Number(await rpc<string>(this.url, "eth_blockNumber"));
      if (head < this.next) {
        await this.sleep();
        continue;
      }
      for (; this.next <= head; this.next++) {
        const block = await rpc<{ transactions: string[] }>(this.url, "eth_getBlockByNumber", [`0x${this.next.toString(16)}`, false]);
        const at = performance.now();
        for (const hash of block.transactions) {
          const resolve = this.waiting.get(hash);
          if (resolve !== undefined) {
            this.waiting.delete(hash);
            resolve(at);
          }
        }
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.done;
    this.socket?.close();
  }
}

interface Engine {
  name: string;
  url: string;
  pid: number;
  chainId: bigint;
  gasPrice: bigint;
  stop(): Promise<void>;
}

interface Deployment {
  consents: string;
  grantGas: bigint;
  citizens: { key: Uint8Array; address: string; citizen: string; nonce: number }[];
  agency: string;
}

const GRANT = new Interface([
  "function grant((bytes32 citizen,address agency,uint256 scopes,bytes32 purpose,uint64 validFrom,uint64 validUntil,uint32 maxUses) request) returns (bytes32)",
]);

/** Deploys IMI with ethers, registers the citizens, and returns what the workload needs. */
async function deploy(engine: Engine, wallets: { deployer: Wallet; governor: Wallet; registrar: Wallet; agency: Wallet }, citizenKeys: Wallet[]): Promise<Deployment> {
  const provider = new JsonRpcProvider(engine.url, undefined, { cacheTimeout: -1, staticNetwork: true, pollingInterval: 10 });
  const deployer = wallets.deployer.connect(provider);
  const make = async (name: string, args: unknown[] = []) => {
    const a = await artifact(name);
    const c = await new ContractFactory(a.abi, a.bytecode, deployer).deploy(...args);
    await c.waitForDeployment();
    return c as Contract;
  };
  const bootstrap = await make("ImiBootstrap");
  const manager = await make("ImiAccessManager", [await bootstrap.getAddress()]);
  const am = await manager.getAddress();
  const identity = await make("IdentityRegistry", [am, 3 * 24 * 3600]);
  const credentials = await make("CredentialRegistry", [am]);
  const enterprises = await make("EnterpriseRegistry", [am, await identity.getAddress()]);
  const agencies = await make("AgencyRegistry", [am]);
  const consents = await make("ConsentRegistry", [am, await identity.getAddress(), await enterprises.getAddress(), await agencies.getAddress()]);
  const accessLog = await make("AccessLog", [am]);
  const accountRules = await make("AccountRules", [am]);
  const wiring = {
    manager: am,
    identityRegistry: await identity.getAddress(),
    credentialRegistry: await credentials.getAddress(),
    consentRegistry: await consents.getAddress(),
    accessLog: await accessLog.getAddress(),
    accountRules: await accountRules.getAddress(),
  };
  await (await bootstrap.getFunction("configure")(wiring, wallets.governor.address, [1, 3], [wallets.registrar.address, wallets.agency.address], [])).wait();
  // An agency receives consents only for the purposes it registered (AgencyRegistry).
  await registerFixtureAgency(agencies, wallets.governor.connect(provider), wallets.agency.address, FIXTURE_PROFILE, BENCH_PURPOSES);
  // Register every citizen (pipelined from the registrar, one nonce after the other).
  const registrar = wallets.registrar.connect(provider);
  let nonce = await provider.getTransactionCount(registrar.address, "pending");
  const citizens: Deployment["citizens"] = [];
  // Every receipt is awaited: a wait still pending when the provider is destroyed rejects.
  const mined: Promise<unknown>[] = [];
  const registry = identity.connect(registrar);
  for (const key of citizenKeys) {
    const citizen = hexlify(randomBytes(32));
    citizens.push({ key: getBytes(key.privateKey), address: key.address, citizen, nonce: 0 });
    const tx = await registry.getFunction("register")(citizen, key.address, hexlify(randomBytes(32)), 2, { nonce: nonce++, gasLimit: 300_000n });
    mined.push(tx.wait());
  }
  await Promise.all(mined);
  const consentsAddress = await consents.getAddress();
  const sample = GRANT.encodeFunctionData("grant", [grantRequest(citizens[0]!.citizen, wallets.agency.address, 0)]);
  const estimate = BigInt(await rpc<string>(engine.url, "eth_estimateGas", [{ from: citizens[0]!.address, to: consentsAddress, data: sample }]));
  // Receipt polls already sent when the waits resolved would reject if destroyed in flight.
  await provider.removeAllListeners();
  await new Promise((resolve) => setTimeout(resolve, 250));
  provider.destroy();
  return { consents: consentsAddress, grantGas: (estimate * 3n) / 2n, citizens, agency: wallets.agency.address };
}

/** The 16 purposes the grants cycle through; the agency registers all of them. */
const BENCH_PURPOSES = Array.from({ length: 16 }, (_, i) => `purpose-${i}`);

const NOW = Math.floor(Date.now() / 1000);
function grantRequest(citizen: string, agency: string, i: number) {
  return { citizen, agency, scopes: 0b110n, purpose: id(`purpose-${i % 16}`), validFrom: NOW - 60, validUntil: NOW + 86_400 * 90, maxUses: 10 };
}

/**
 * How many of the transactions succeeded, by their receipts' status (read after the clock stops).
 * A reverted grant is mined and synced like any other, but it granted nothing: it must not count.
 */
async function countSucceeded(url: string, hashes: string[]): Promise<{ ok: number; reverted: number }> {
  let ok = 0;
  let reverted = 0;
  for (let i = 0; i < hashes.length; i += 32) {
    const receipts = await Promise.all(hashes.slice(i, i + 32).map((h) => rpc<{ status: string } | null>(url, "eth_getTransactionReceipt", [h])));
    for (const r of receipts) {
      if (r === null) throw new Error("a grant the bench waited for has no receipt");
      if (r.status === "0x1") ok++;
      else reverted++;
    }
  }
  return { ok, reverted };
}

/** Each citizen sends `perCitizen` grants, `inflight` at a time; returns throughput (successful grants only) and latencies. */
async function runGrants(engine: Engine, d: Deployment, total: number, inflight: number): Promise<{ txPerS: number; latencies: number[]; reverted: number }> {
  const head = Number(await rpc<string>(engine.url, "eth_blockNumber"));
  const watcher = await BlockWatcher.start(engine.url, head + 1);
  const latencies: number[] = [];
  const admission: number[] = [];
  const hashes: string[] = [];
  let issued = 0;
  let errors = 0;
  const started = performance.now();
  const session = async (c: Deployment["citizens"][number]) => {
    for (;;) {
      if (issued >= total) return;
      issued++;
      const data = GRANT.encodeFunctionData("grant", [grantRequest(c.citizen, d.agency, c.nonce)]);
      const raw = sign(c.key, { to: d.consents, data, nonce: c.nonce, gasLimit: d.grantGas, gasPrice: engine.gasPrice, chainId: engine.chainId });
      c.nonce++;
      const hash = keccak256(raw);
      const receipt = watcher.wait(hash);
      const sentAt = performance.now();
      try {
        await rpc<string>(engine.url, "eth_sendRawTransaction", [raw]);
        admission.push(performance.now() - sentAt);
      } catch (err) {
        // A connection lost after the node admitted the grant ("socket hang up") makes the retry
        // below send the same bytes again: the node holds it already, so wait for its receipt.
        if (/already known/.test((err as Error).message)) {
          hashes.push(hash);
          latencies.push((await receipt) - sentAt);
          continue;
        }
        errors++;
        if (errors < 5) console.error(`${engine.name}: ${(err as Error).message}`);
        c.nonce--;
        continue;
      }
      hashes.push(hash);
      latencies.push((await receipt) - sentAt);
    }
  };
  const nodeCpuBefore = await procCpuMs(engine.pid);
  const clientCpuBefore = process.cpuUsage();
  const sessions: Promise<void>[] = [];
  for (const c of d.citizens) for (let k = 0; k < inflight; k++) sessions.push(session(c));
  await Promise.all(sessions);
  const elapsed = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const nodeCpu = (await procCpuMs(engine.pid)) - nodeCpuBefore;
  if (process.env.IMI_BENCH_VERBOSE) {
    admission.sort((a, b) => a - b);
    console.error(`${engine.name}: eth_sendRawTransaction answered in p50 ${percentile(admission, 50).toFixed(1)} ms, p99 ${percentile(admission, 99).toFixed(1)} ms`);
    console.error(`${engine.name}: cpu per tx: node ${(nodeCpu / latencies.length).toFixed(2)} ms, client ${((clientCpu.user + clientCpu.system) / 1000 / latencies.length).toFixed(2)} ms; wall ${(elapsed * 1000 / latencies.length).toFixed(2)} ms`);
  }
  await watcher.stop();
  if (errors > 0) console.error(`${engine.name}: ${errors} sends refused`);
  const { ok, reverted } = await countSucceeded(engine.url, hashes);
  if (reverted > 0) console.error(`${engine.name}: ${reverted} of ${hashes.length} grants reverted (not counted)`);
  return { txPerS: ok / elapsed, latencies: latencies.sort((a, b) => a - b), reverted };
}

// ------------------------------------------------------------------ engines

async function startEmbedded(dataDir: string, config: Record<string, unknown>): Promise<Engine & { openMs: number; startedMs: number }> {
  const started = performance.now();
  // The young generation `imi chain start` and `imi up` give the node (cli/bin/imi.js), unless told otherwise.
  const nodeArgs = process.env.IMI_BENCH_NODE_ARGS?.split(" ").filter((a) => a.length > 0) ?? ["--max-semi-space-size=32"];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", fileURLToPath(import.meta.url), "--serve", JSON.stringify({ ...config, dataDir, port: 0 })], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = await new Promise<{ url: string; openMs: number }>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c) => {
      out += c;
      const m = /READY (\S+) (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, openMs: Number(m[2]) });
    });
    child.once("exit", (code) => reject(new Error(`node exited with ${code}`)));
  });
  const chainId = BigInt(await rpc<string>(ready.url, "eth_chainId"));
  const startedMs = performance.now() - started;
  return {
    name: "embedded",
    url: ready.url,
    pid: child.pid!,
    chainId,
    gasPrice: 0n,
    openMs: ready.openMs,
    startedMs,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function startHardhat(): Promise<Engine> {
  const port = await freePort();
  const child = spawn(process.execPath, ["node_modules/hardhat/dist/src/cli.js", "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await rpc(url, "eth_chainId");
      break;
    } catch {
      if (i > 300 || child.exitCode !== null) throw new Error("hardhat node did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    name: "hardhat",
    url,
    pid: child.pid!,
    chainId: BigInt(await rpc<string>(url, "eth_chainId")),
    gasPrice: BigInt(await rpc<string>(url, "eth_gasPrice")) * 2n,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const json = flag("json");
  const n = option("n", 2000);
  const accounts = option("accounts", 200);
  const history = option("history", 100_000);
  const withHardhat = !flag("no-hardhat");
  const log = (line: string) => {
    if (!json) console.log(line);
    else console.error(line);
  };

  const validator = Wallet.createRandom();
  const wallets = {
    deployer: new Wallet(Wallet.createRandom().privateKey),
    governor: new Wallet(Wallet.createRandom().privateKey),
    registrar: new Wallet(Wallet.createRandom().privateKey),
    agency: new Wallet(Wallet.createRandom().privateKey),
  };
  const citizenKeys = Array.from({ length: accounts }, () => new Wallet(Wallet.createRandom().privateKey));
  const dataDir = await mkdtemp(join(tmpdir(), "imi-bench-chain-"));
  const nodeConfig = {
    validatorKey: validator.privateKey,
    genesis: {
      validator: validator.address,
      allowlist: [wallets.deployer.address, wallets.governor.address, wallets.registrar.address, ...citizenKeys.map((c) => c.address)],
    },
  };
  // The machine is shared: the load beside the figures says how far to trust them.
  const figures: Record<string, number | string> = { n, accounts, load_start: Number(loadavg()[0]!.toFixed(1)) };
  let peakRss = 0;
  let peakAnon = 0;
  const sampleMemory = async (pid: number) => {
    const m = await procMemoryMb(pid);
    peakRss = Math.max(peakRss, m.hwm, m.rss);
    peakAnon = Math.max(peakAnon, m.anon);
    return m;
  };
  let sampledPid = 0;
  const sampler = setInterval(() => void (sampledPid > 0 && sampleMemory(sampledPid)), 250);

  try {
    // --- embedded: throughput and latency
    let engine = await startEmbedded(dataDir, nodeConfig);
    sampledPid = engine.pid;
    log(`embedded node at ${engine.url}: deploying IMI and registering ${accounts} citizens`);
    const d = await deploy(engine, wallets, citizenKeys);
    let sent = accounts + 8;
    const run = await runGrants(engine, d, n, 1);
    sent += run.latencies.length;
    let reverted = run.reverted;
    figures.tx_per_s = Math.round(run.txPerS);
    figures.receipt_p50_ms = Number(percentile(run.latencies, 50).toFixed(1));
    figures.receipt_p99_ms = Number(percentile(run.latencies, 99).toFixed(1));
    log(`embedded: ${run.latencies.length} grants, ${figures.tx_per_s} tx/s, time to receipt p50 ${figures.receipt_p50_ms} ms, p99 ${figures.receipt_p99_ms} ms (every block synced to disk)`);
    await sampleMemory(engine.pid);

    // --- history: fill to 10k and 100k transactions, restart at each
    const checkpoints = [10_000, 100_000].filter((c) => c <= history);
    let bytesAt: { txs: number; bytes: number } | undefined;
    for (const target of checkpoints) {
      if (sent < target) {
        log(`filling history to ${target} transactions ...`);
        const fill = await runGrants(engine, d, target - sent, 2);
        sent += fill.latencies.length;
        reverted += fill.reverted;
        log(`  filled at ${Math.round(fill.txPerS)} tx/s`);
      }
      const mem = await sampleMemory(engine.pid);
      figures[`rss_mb_at_${target / 1000}k`] = Math.round(mem.rss);
      figures[`private_mb_at_${target / 1000}k`] = Math.round(mem.anon);
      await engine.stop();
      const bytes = await dirBytes(join(dataDir, "chaindata"));
      if (bytesAt !== undefined) figures.bytes_per_tx = Math.round((bytes - bytesAt.bytes) / (sent - bytesAt.txs));
      bytesAt = { txs: sent, bytes };
      figures.bytes_per_tx_total = Math.round(bytes / sent);
      engine = await startEmbedded(dataDir, nodeConfig);
      sampledPid = engine.pid;
      figures[`restart_s_${target / 1000}k`] = Number((engine.startedMs / 1000).toFixed(2));
      figures[`open_ms_${target / 1000}k`] = Math.round(engine.openMs);
      log(`restart at ${sent} txs: serving after ${figures[`restart_s_${target / 1000}k`]} s (process start included; opening the chain took ${figures[`open_ms_${target / 1000}k`]} ms), ${(bytes / 1e6).toFixed(1)} MB on disk`);
      // A short run after the restart: the node works and its memory does not carry history.
      const after = await runGrants(engine, d, Math.min(n, 1000), 1);
      sent += after.latencies.length;
      reverted += after.reverted;
      const m = await sampleMemory(engine.pid);
      figures[`rss_mb_after_restart_${target / 1000}k`] = Math.round(m.rss);
    }
    if (figures.bytes_per_tx === undefined && bytesAt !== undefined) figures.bytes_per_tx = figures.bytes_per_tx_total!;
    await sampleMemory(engine.pid);
    sampledPid = 0;
    clearInterval(sampler);
    await engine.stop();
    figures.total_txs = sent;
    figures.reverted = reverted;
    figures.peak_rss_mb = Math.round(peakRss);
    figures.peak_private_mb = Math.round(peakAnon);
    log(`embedded: ${sent} transactions in history, ${figures.bytes_per_tx !== undefined ? `${figures.bytes_per_tx} bytes/tx on disk` : "disk not measured (--history 0)"}, peak RSS ${figures.peak_rss_mb} MB (private memory ${figures.peak_private_mb} MB; the rest is mapped database files)`);

    // --- Hardhat's node: same workload
    if (withHardhat) {
      const hh = await startHardhat();
      try {
        log(`hardhat node at ${hh.url}: deploying IMI and registering ${accounts} citizens`);
        for (const a of [...Object.values(wallets), ...citizenKeys]) await rpc(hh.url, "hardhat_setBalance", [a.address, "0x3635c9adc5dea00000"]);
        const dh = await deploy(hh, wallets, citizenKeys);
        const hrun = await runGrants(hh, dh, n, 1);
        figures.hardhat_tx_per_s = Math.round(hrun.txPerS);
        figures.hardhat_reverted = hrun.reverted;
        figures.hardhat_receipt_p50_ms = Number(percentile(hrun.latencies, 50).toFixed(1));
        figures.hardhat_receipt_p99_ms = Number(percentile(hrun.latencies, 99).toFixed(1));
        figures.ratio_vs_hardhat = Number((run.txPerS / hrun.txPerS).toFixed(2));
        log(`hardhat: ${figures.hardhat_tx_per_s} tx/s, p50 ${figures.hardhat_receipt_p50_ms} ms, p99 ${figures.hardhat_receipt_p99_ms} ms (in memory, nothing on disk)`);
        log(`ratio embedded / hardhat: ${figures.ratio_vs_hardhat}`);
      } finally {
        await hh.stop();
      }
    }
  } finally {
    clearInterval(sampler);
    await rm(dataDir, { recursive: true, force: true });
  }
  figures.load_end = Number(loadavg()[0]!.toFixed(1));
  if (json) console.log(JSON.stringify(figures));
  else console.table(figures);
}

// ------------------------------------------------------------------ serve mode (the node process)

if (flag("serve")) {
  const { startChain } = await import("../node/chain/index.js");
  // The stores' open table files, as `imi up` takes them from its environment (docs/scale.md, "Mapped tables").
  if (process.env.IMI_STORAGE_MAX_OPEN_FILES) (await import("../node/storage/levelOptions.js")).setStoreMaxOpenFiles(Number(process.env.IMI_STORAGE_MAX_OPEN_FILES));
  const config = JSON.parse(argv[argv.indexOf("--serve") + 1]!) as Parameters<typeof startChain>[0];
  const started = performance.now();
  const chain = await startChain({ ...config, logger: pino({ level: process.env.IMI_CHAIN_LOG_LEVEL ?? "warn" }, pino.destination(2)) });
  process.stdout.write(`READY ${chain.url} ${(performance.now() - started).toFixed(1)}\n`);
  // With IMI_BENCH_VERBOSE, the node's time in garbage collection by kind, printed when it stops.
  const gcMs = new Map<string, number>();
  if (process.env.IMI_BENCH_VERBOSE) {
    const kinds: Record<number, string> = { 1: "minor", 2: "major", 4: "incremental", 8: "weakcb" };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = kinds[(e as unknown as { detail: { kind: number } }).detail.kind] ?? "other";
        gcMs.set(kind, (gcMs.get(kind) ?? 0) + e.duration);
      }
    }).observe({ entryTypes: ["gc"] });
  }
  const stop = () =>
    void chain.close().then(() => {
      if (gcMs.size > 0) console.error(`node gc ms: ${[...gcMs].map(([k, v]) => `${k} ${Math.round(v)}`).join(", ")}, cpu ${Math.round(process.cpuUsage().user / 1000)} ms`);
      process.exit(0);
    });
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
} else {
  await main();
}
