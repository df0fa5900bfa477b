// Where the embedded chain's time goes on signed consent grants, without the closed-loop client:
// the node runs in this process, every grant is signed before the clock starts, sent in JSON-RPC
// batches, and the figure is the node's CPU per grant (process CPU time over the measured run,
// which the load of other processes on the machine inflates far less than wall time). Run with
// `node --cpu-prof` for the profile docs/chain.md quotes. Prints figures; asserts nothing.
//
// Usage: npx tsx bench/chainProfile.ts [--n 4000] [--accounts 200] [--rounds 2]
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { PerformanceObserver } from "node:perf_hooks";
import { tmpdir } from "node:os";
import { join } from "node:path";
import secp256k1 from "secp256k1";
import { pino } from "pino";
import { Contract, ContractFactory, Interface, JsonRpcProvider, Signature, Transaction, Wallet, getBytes, hexlify, id, keccak256, randomBytes } from "ethers";
import { startChain } from "../node/chain/index.js";
import { readArtifact } from "../test/helpers/artifacts.js";
import { FIXTURE_PROFILE, registerFixtureAgency } from "../test/helpers/agencies.js";

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
async function post(url: string, body: string): Promise<unknown> {
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
  return JSON.parse(text);
}

const GRANT = new Interface([
  "function grant((bytes32 citizen,address agency,uint256 scopes,bytes32 purpose,uint64 validFrom,uint64 validUntil,uint32 maxUses) request) returns (bytes32)",
]);
const NOW = Math.floor(Date.now() / 1000);

function sign(key: Uint8Array, tx: { to: string; data: string; nonce: number; gasLimit: bigint; gasPrice: bigint; chainId: bigint }): string {
  const t = Transaction.from({ type: 0, ...tx });
  const { signature, recid } = secp256k1.ecdsaSign(getBytes(t.unsignedHash), key);
  t.signature = Signature.from({ r: hexlify(signature.subarray(0, 32)), s: hexlify(signature.subarray(32)), v: 27 + recid });
  return t.serialized;
}

async function main(): Promise<void> {
  const n = option("n", 4000);
  const accounts = option("accounts", 200);
  const rounds = option("rounds", 2);
  const validator = Wallet.createRandom();
  const deployerKey = new Wallet(Wallet.createRandom().privateKey);
  const governor = new Wallet(Wallet.createRandom().privateKey);
  const registrarKey = new Wallet(Wallet.createRandom().privateKey);
  const agency = new Wallet(Wallet.createRandom().privateKey);
  const citizens = Array.from({ length: accounts }, () => ({ wallet: new Wallet(Wallet.createRandom().privateKey), citizen: hexlify(randomBytes(32)), nonce: 0 }));
  const dataDir = await mkdtemp(join(tmpdir(), "imi-bench-chain-profile-"));
  const chain = await startChain({
    dataDir,
    validatorKey: validator.privateKey,
    genesis: { validator: validator.address, allowlist: [deployerKey.address, governor.address, registrarKey.address, ...citizens.map((c) => c.wallet.address)] },
    port: 0,
    logger: pino({ level: process.env.IMI_CHAIN_LOG_LEVEL ?? "warn" }, pino.destination(2)),
  });
  try {
    const provider = new JsonRpcProvider(chain.url, undefined, { cacheTimeout: -1, staticNetwork: true, pollingInterval: 10 });
    const deployer = deployerKey.connect(provider);
    const make = async (name: string, args: unknown[] = []) => {
      const a = await readArtifact(name);
      const c = await new ContractFactory(a.abi, a.bytecode, deployer).deploy(...args);
      await c.waitForDeployment();
      return c as Contract;
    };
    const bootstrap = await make("ImiBootstrap");
    const am = await (await make("ImiAccessManager", [await bootstrap.getAddress()])).getAddress();
    const identity = await make("IdentityRegistry", [am, 3 * 24 * 3600]);
    // ConsentRegistry's constructor gained registries over time: deploy what this build asks for.
    const consentAbi = (await readArtifact("ConsentRegistry")).abi as unknown as { type: string; inputs?: unknown[] }[];
    const consentArgs = consentAbi.find((e) => e.type === "constructor")?.inputs?.length ?? 2;
    const extra: string[] = [];
    if (consentArgs >= 3) extra.push(await (await make("EnterpriseRegistry", [am, await identity.getAddress()])).getAddress());
    const agencies = consentArgs >= 4 ? await make("AgencyRegistry", [am]) : undefined;
    if (agencies) extra.push(await agencies.getAddress());
    const consents = await make("ConsentRegistry", [am, await identity.getAddress(), ...extra]);
    const wiring = {
      manager: am,
      identityRegistry: await identity.getAddress(),
      credentialRegistry: await (await make("CredentialRegistry", [am])).getAddress(),
      consentRegistry: await consents.getAddress(),
      accessLog: await (await make("AccessLog", [am])).getAddress(),
      accountRules: await (await make("AccountRules", [am])).getAddress(),
    };
    await (await bootstrap.getFunction("configure")(wiring, governor.address, [1, 3], [registrarKey.address, agency.address], [])).wait();
    // An agency receives consents only for the purposes it registered: the 16 the grants use.
    const purposes = Array.from({ length: 16 }, (_, i) => `purpose-${i}`);
    if (agencies) await registerFixtureAgency(agencies, governor.connect(provider), agency.address, FIXTURE_PROFILE, purposes);
    const registry = identity.connect(registrarKey.connect(provider));
    let nonce = await provider.getTransactionCount(registrarKey.address, "pending");
    const mined: Promise<unknown>[] = [];
    for (const c of citizens) mined.push((await registry.getFunction("register")(c.citizen, c.wallet.address, hexlify(randomBytes(32)), 2, { nonce: nonce++, gasLimit: 300_000n })).wait());
    await Promise.all(mined);
    provider.destroy();
    const to = wiring.consentRegistry;
    const chainId = BigInt(chain.chainId);
    for (let round = 0; round < rounds; round++) {
      const raws: string[] = [];
      for (let i = 0; i < n; i++) {
        const c = citizens[i % accounts]!;
        const data = GRANT.encodeFunctionData("grant", [
          { citizen: c.citizen, agency: agency.address, scopes: 0b110n, purpose: id(`purpose-${c.nonce % 16}`), validFrom: NOW - 60, validUntil: NOW + 86_400 * 90, maxUses: 10 },
        ]);
        raws.push(sign(getBytes(c.wallet.privateKey), { to, data, nonce: c.nonce++, gasLimit: 400_000n, gasPrice: 0n, chainId }));
      }
      // Time in garbage collection during the measured phase: young generation (scavenges) and the rest.
      const gc = { minor: 0, other: 0 };
      const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if ((e as unknown as { detail: { kind: number } }).detail.kind === 1) gc.minor += e.duration;
          else gc.other += e.duration;
        }
      });
      observer.observe({ entryTypes: ["gc"] });
      const startHead = chain.blockNumber();
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < raws.length; i += 100) {
        const batch = raws.slice(i, i + 100).map((raw, k) => ({ jsonrpc: "2.0", id: i + k, method: "eth_sendRawTransaction", params: [raw] }));
        sends.push(post(chain.url, JSON.stringify(batch)).then((r) => {
          for (const one of r as { error?: { message: string } }[]) if (one.error) throw new Error(one.error.message);
        }));
        if (sends.length % 4 === 0) await Promise.all(sends.slice(-4));
      }
      await Promise.all(sends);
      // Wait until every grant is in a durable block: every citizen's mined nonce has reached its
      // last one (the last citizen to send is no proof: a full block leaves others for the next).
      const minedAll = async (): Promise<boolean> => {
        const batch = citizens.map((c, k) => ({ jsonrpc: "2.0", id: k, method: "eth_getTransactionCount", params: [c.wallet.address, "latest"] }));
        const counts = (await post(chain.url, JSON.stringify(batch))) as { id: number; result: string }[];
        return counts.every((r) => Number(r.result) >= citizens[r.id]!.nonce);
      };
      for (;;) {
        const pending = (await post(chain.url, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getTransactionCount", params: [citizens[(n - 1) % accounts]!.wallet.address, "latest"] }))) as { result: string };
        if (Number(pending.result) >= citizens[(n - 1) % accounts]!.nonce && (await minedAll())) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      const wall = performance.now() - t0;
      const used = process.cpuUsage(cpu);
      observer.disconnect();
      const blocks = Number(chain.blockNumber() - startHead);
      // A reverted grant is mined like any other but granted nothing: count only status 1.
      let reverted = 0;
      for (let i = 0; i < raws.length; i += 100) {
        const batch = raws.slice(i, i + 100).map((raw, k) => ({ jsonrpc: "2.0", id: k, method: "eth_getTransactionReceipt", params: [keccak256(raw)] }));
        for (const one of (await post(chain.url, JSON.stringify(batch))) as { result: { status: string } | null }[]) {
          if (one.result === null) throw new Error("a grant has no receipt after the wait");
          if (one.result.status !== "0x1") reverted++;
        }
      }
      console.log(
        JSON.stringify({ round, grants: n - reverted, reverted, blocks, tx_per_s: Math.round(((n - reverted) / wall) * 1000), cpu_ms_per_tx: Number(((used.user + used.system) / 1000 / n).toFixed(3)),
          gc_minor_ms_per_tx: Number((gc.minor / n).toFixed(3)),
          gc_other_ms_per_tx: Number((gc.other / n).toFixed(3)), load: (await import("node:os")).loadavg()[0]!.toFixed(1) }),
      );
    }
  } finally {
    await chain.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
