// Where onboarding's time goes on chain: one IdentityRegistry.registerBatch of N rows sealed by the
// embedded chain, against the same transaction on Hardhat's node (EDR) in the same run for the
// ratio. Prints rows/s and gas/s per batch size; asserts nothing (docs/scale.md).
//
//   npx tsx bench/registerBatch.ts [--sizes 1,50,200,500] [--repeat 3] [--json]
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

const { values } = parseArgs({ options: { sizes: { type: "string", default: "1,50,100" }, repeat: { type: "string", default: "3" }, json: { type: "boolean", default: false } } });
const sizes = values.sizes!.split(",").map(Number);
const repeat = Number(values.repeat);

type Row = { size: number; seconds: number; rows_per_s: number; gas: number; mgas_per_s: number };

const keys = Array.from({ length: 2 }, () => Wallet.createRandom());

async function measure(url: string, fund: ((address: string) => Promise<void>) | undefined): Promise<Row[]> {
  const provider = new JsonRpcProvider(url, undefined, { cacheTimeout: -1, staticNetwork: true, pollingInterval: 10 });
  const wallets = keys.map((k) => new Wallet(k.privateKey, provider));
  for (const w of wallets) await fund?.(w.address);
  const [deployer, registrar] = wallets as [Wallet, Wallet];
  const imi = await deployWiredImi(deployer, { governor: deployer.address, roles: [1], accounts: [registrar.address], allowlist: wallets.map((w) => w.address) });
  const identity = imi.contracts.identityRegistry as Contract;
  const out: Row[] = [];
  for (const size of sizes) {
    let seconds = 0;
    let gas = 0;
    for (let r = 0; r < repeat; r++) {
      const rows = Array.from({ length: size }, () => ({ citizen: hexlify(randomBytes(32)), controller: hexlify(randomBytes(20)), commitment: hexlify(randomBytes(32)), level: 2 }));
      const t = performance.now();
      const receipt = await (await identity.connect(registrar).getFunction("registerBatch")(rows, { gasLimit: 100_000n + 150_000n * BigInt(size) })).wait();
      seconds += (performance.now() - t) / 1000;
      gas += Number(receipt!.gasUsed);
    }
    out.push({ size, seconds: Number((seconds / repeat).toFixed(3)), rows_per_s: Math.round((size * repeat) / seconds), gas: Math.round(gas / repeat), mgas_per_s: Number((gas / seconds / 1e6).toFixed(2)) });
  }
  provider.destroy();
  return out;
}

const load = loadavg().map((l) => Number(l.toFixed(2)));
const dir = await mkdtemp(join(tmpdir(), "imi-bench-batch-"));
const validator = Wallet.createRandom();
let embedded: Row[];
{
  // The embedded chain admits only allowlisted senders: its genesis allowlist names both accounts.
  const chain = await startChain({ dataDir: join(dir, "chain"), validatorKey: validator.privateKey, port: 0, genesis: { validator: validator.address, allowlist: keys.map((k) => k.address) }, logger: pino({ level: "silent" }) });
  try {
    embedded = await measure(chain.url, undefined);
    if (!values.json) console.log(`embedded: ${JSON.stringify(embedded)}`);
  } finally {
    await chain.close();
  }
}
const hh = await startHardhatNode();
let hardhat: Row[];
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
    const e = embedded[i]!;
    const h = hardhat[i]!;
    console.log(`${String(e.size).padStart(4)} rows  embedded ${e.seconds} s ${e.rows_per_s} rows/s ${e.mgas_per_s} Mgas/s   hardhat ${h.seconds} s ${h.rows_per_s} rows/s   ratio ${(e.rows_per_s / h.rows_per_s).toFixed(2)}   gas ${e.gas}`);
  }
}
