// Where onboarding's time goes on chain: one IdentityRegistry.registerBatch of N rows sealed by the
// embedded chain, against the same transaction on Hardhat's node (EDR) in the same run for the
// ratio. Prints rows/s and gas/s per batch size; then a stream of batches from one registrar
// with several in flight, as `imi registrar import` sends them, split into the time a batch
// waits to be admitted (eth_sendRawTransaction) and to be in a block (receipt). The embedded
// chain hands permissioning to AccountRules, as `imi up` does. Asserts nothing (docs/scale.md).
//
//   npx tsx bench/registerBatch.ts [--sizes 1,50,200,500] [--repeat 3] [--stream 40] [--in-flight 1,4,8] [--json]
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { JsonRpcProvider, Wallet, hexlify, type Contract } from "ethers";
import { pino } from "pino";
import { startChain } from "../node/chain/index.js";
import { deployWiredImi } from "../test/helpers/artifacts.js";
import { startHardhatNode } from "../test/helpers/hardhatNode.js";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1,50,100" },
    repeat: { type: "string", default: "3" },
    stream: { type: "string", default: "40" },
    "stream-size": { type: "string", default: "100" },
    "in-flight": { type: "string", default: "1,4,8" },
    json: { type: "boolean", default: false },
  },
});
const sizes = values.sizes!.split(",").map(Number);
const repeat = Number(values.repeat);
const streamBatches = Number(values.stream);
const streamSize = Number(values["stream-size"]);
const inFlights = values["in-flight"]!.split(",").map(Number);

type Row = { size: number; seconds: number; rows_per_s: number; gas: number; mgas_per_s: number };
/** A stream of batches from one registrar; send_ms and wait_ms are means per batch. */
type Stream = { in_flight: number; batches: number; size: number; seconds: number; rows_per_s: number; send_ms: number; wait_ms: number; blocks: number };
type Measured = { rows: Row[]; streams: Stream[] };

const randomRows = (size: number) => Array.from({ length: size }, () => ({ citizen: hexlify(randomBytes(32)), controller: hexlify(randomBytes(20)), commitment: hexlify(randomBytes(32)), level: 2 }));

/** `batches` registerBatch transactions of `size` rows, signed here with consecutive nonces, `inFlight` at once. */
async function stream(provider: JsonRpcProvider, registrar: Wallet, identity: Contract, inFlight: number, batches: number, size: number): Promise<Stream> {
  const chainId = (await provider.getNetwork()).chainId;
  const gasPrice = BigInt(await provider.send("eth_gasPrice", []));
  const to = await identity.getAddress();
  let nonce = await provider.getTransactionCount(registrar.address, "pending");
  let sendMs = 0;
  let waitMs = 0;
  const blocks = new Set<string>();
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < batches) {
        next++;
        const data = identity.interface.encodeFunctionData("registerBatch", [randomRows(size)]);
        const raw = await registrar.signTransaction({ type: 0, chainId, nonce: nonce++, to, data, gasLimit: 100_000n + 150_000n * BigInt(size), gasPrice });
        const t0 = performance.now();
        const hash = (await provider.send("eth_sendRawTransaction", [raw])) as string;
        const t1 = performance.now();
        type Receipt = { status: string; blockNumber: string };
        let receipt = (await provider.send("eth_getTransactionReceipt", [hash])) as Receipt | null;
        while (receipt === null) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          receipt = (await provider.send("eth_getTransactionReceipt", [hash])) as Receipt | null;
        }
        if (receipt.status !== "0x1") throw new Error(`batch ${hash} reverted`);
        blocks.add(receipt.blockNumber);
        sendMs += t1 - t0;
        waitMs += performance.now() - t1;
      }
    }),
  );
  const seconds = (performance.now() - t) / 1000;
  return { in_flight: inFlight, batches, size, seconds: Number(seconds.toFixed(2)), rows_per_s: Math.round((batches * size) / seconds), send_ms: Math.round(sendMs / batches), wait_ms: Math.round(waitMs / batches), blocks: blocks.size };
}

const keys = Array.from({ length: 2 }, () => Wallet.createRandom());

async function measure(url: string, fund: ((address: string) => Promise<void>) | undefined, deployed?: (accountRules: string) => void): Promise<Measured> {
  const provider = new JsonRpcProvider(url, undefined, { cacheTimeout: -1, staticNetwork: true, pollingInterval: 10 });
  const wallets = keys.map((k) => new Wallet(k.privateKey, provider));
  for (const w of wallets) await fund?.(w.address);
  const [deployer, registrar] = wallets as [Wallet, Wallet];
  const imi = await deployWiredImi(deployer, { governor: deployer.address, roles: [1], accounts: [registrar.address], allowlist: wallets.map((w) => w.address) });
  const identity = imi.contracts.identityRegistry as Contract;
  deployed?.(await imi.contracts.accountRules!.getAddress());
  const out: Row[] = [];
  for (const size of sizes) {
    let seconds = 0;
    let gas = 0;
    for (let r = 0; r < repeat; r++) {
      const rows = randomRows(size);
      const t = performance.now();
      const receipt = await (await identity.connect(registrar).getFunction("registerBatch")(rows, { gasLimit: 100_000n + 150_000n * BigInt(size) })).wait();
      seconds += (performance.now() - t) / 1000;
      gas += Number(receipt!.gasUsed);
    }
    out.push({ size, seconds: Number((seconds / repeat).toFixed(3)), rows_per_s: Math.round((size * repeat) / seconds), gas: Math.round(gas / repeat), mgas_per_s: Number((gas / seconds / 1e6).toFixed(2)) });
  }
  const streams: Stream[] = [];
  for (const inFlight of streamBatches > 0 ? inFlights : []) streams.push(await stream(provider, registrar, identity.connect(registrar) as Contract, inFlight, streamBatches, streamSize));
  provider.destroy();
  return { rows: out, streams };
}

const load = loadavg().map((l) => Number(l.toFixed(2)));
const dir = await mkdtemp(join(tmpdir(), "imi-bench-batch-"));
const validator = Wallet.createRandom();
let embedded: Measured;
{
  // The embedded chain admits only allowlisted senders: its genesis allowlist names both accounts
  // until the deployment's AccountRules (which allows both) takes over, as under `imi up`.
  const chain = await startChain({ dataDir: join(dir, "chain"), validatorKey: validator.privateKey, port: 0, genesis: { validator: validator.address, allowlist: keys.map((k) => k.address) }, logger: pino({ level: "silent" }) });
  try {
    embedded = await measure(chain.url, undefined, (rules) => chain.setAccountRules(rules));
    if (!values.json) console.log(`embedded: ${JSON.stringify(embedded)}`);
  } finally {
    await chain.close();
  }
}
const hh = await startHardhatNode();
let hardhat: Measured;
try {
  hardhat = await measure(hh.url, async (address) => {
    await fetch(hh.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "hardhat_setBalance", params: [address, "0x3635c9adc5dea00000"] }) });
  });
} finally {
  await hh.stop();
  await rm(dir, { recursive: true, force: true });
}
const figures = { load_before: load, load_after: loadavg().map((l) => Number(l.toFixed(2))), embedded, hardhat };
if (values.json) console.log(JSON.stringify(figures));
else {
  console.log(`registerBatch, mean of ${repeat}; load ${load.join(" ")} → ${figures.load_after.join(" ")}`);
  for (let i = 0; i < sizes.length; i++) {
    const e = embedded.rows[i]!;
    const h = hardhat.rows[i]!;
    console.log(`${String(e.size).padStart(4)} rows  embedded ${e.seconds} s ${e.rows_per_s} rows/s ${e.mgas_per_s} Mgas/s   hardhat ${h.seconds} s ${h.rows_per_s} rows/s   ratio ${(e.rows_per_s / h.rows_per_s).toFixed(2)}   gas ${e.gas}`);
  }
  for (let i = 0; i < embedded.streams.length; i++) {
    const e = embedded.streams[i]!;
    const h = hardhat.streams[i]!;
    console.log(
      `stream ${e.batches} × ${e.size} rows, ${String(e.in_flight).padStart(2)} in flight  embedded ${e.rows_per_s} rows/s (send ${e.send_ms} ms, wait ${e.wait_ms} ms a batch, ${e.blocks} blocks)   hardhat ${h.rows_per_s} rows/s (send ${h.send_ms} ms)   ratio ${(e.rows_per_s / h.rows_per_s).toFixed(2)}`,
    );
  }
}
