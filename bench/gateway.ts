// The gateway under load on 127.0.0.1: authorized accesses/s with real consent checks (from the
// index), vault reads and durable nonce and access-log appends; p50/p99 latency at 50 connections;
// identity verifications/s and one-code verifications/s; time from a revocation's receipt to the first refused access; and, in
// the same run and the same setup (its own process), a bare Fastify JSON route for the ratio,
// measured once before the gateway starts and once after it stops, so that load from elsewhere on
// the machine that comes or goes during the run weighs on both sides alike (both are printed).
// Peak RSS is the gateway process's high-water mark (/proc VmHWM), read without touching the
// gateway during the measurement; where /proc is missing it is sampled from /metrics instead.
// Usage: npm run bench:gateway [-- --json] [-- --duration 10]   (with --json the last line is JSON)
// Profiles: IMI_BENCH_CPU_PROF=<dir> writes a --cpu-prof of each child process into <dir>.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import Fastify from "fastify";
import { pino } from "pino";
import { JsonRpcProvider, Wallet, hexlify, id } from "ethers";
import { startChain } from "../node/chain/index.js";
import { startGateway, type GatewayServerConfig } from "../node/gateway/server.js";
import { signAgencyLogin } from "@imi-ledger/sdk";
import { signIdentityProof } from "@imi-ledger/sdk";
import { createOneCode, getOneCodeStaple, createGatewayClient } from "@imi-ledger/sdk";
import { agencyRequestHeaders, agencyRequestMessage, agencyRequestTypedData } from "@imi-ledger/sdk";
import { hashTypedData } from "@imi-ledger/sdk";
import secp256k1 from "secp256k1";
import { privateKeyToAccount } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { deployWiredImi } from "../test/helpers/artifacts.js";

const args = process.argv.slice(2);
const role = args.find((a) => a.startsWith("--role="))?.slice(7);

// ------------------------------------------------------------------ child roles

if (role === "gateway") {
  const config = JSON.parse(process.env.IMI_GATEWAY_CONFIG ?? "{}") as GatewayServerConfig;
  const gw = await startGateway({ ...config, logger: false });
  process.stdout.write(`url ${gw.url}\n`);
  process.on("SIGTERM", () => void gw.close().then(() => process.exit(0)));
} else if (role === "bare") {
  const app = Fastify({ logger: false });
  app.get("/hello", { schema: { response: { 200: { type: "object", properties: { hello: { type: "string" } } } } } }, async () => ({ hello: "world" }));
  process.stdout.write(`url ${await app.listen({ host: "127.0.0.1", port: 0 })}\n`);
  process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
} else {
  await main();
}

// ------------------------------------------------------------------ the run

function child(roleName: string, env: Record<string, string> = {}): Promise<{ proc: ChildProcess; url: string }> {
  const profile = process.env.IMI_BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.IMI_BENCH_CPU_PROF}`] : [];
  const proc = spawn(process.execPath, [...profile, "--import", "tsx", "bench/gateway.ts", `--role=${roleName}`], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (d) => {
      out += d;
      const m = /url (\S+)\n/.exec(out);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.once("exit", (c) => reject(new Error(`${roleName} exited with ${c}`)));
  });
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill("SIGTERM");
  await exited;
}


/** The process's peak resident set size in bytes (Linux), undefined where /proc is missing. */
async function peakRssOf(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
  const m = status === undefined ? null : /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** Bare Fastify JSON route in its own process: warm-up, then `duration` seconds at `connections`. */
async function bareFastify(connections: number, duration: number): Promise<number> {
  const bare = await child("bare");
  await cannon({ url: `${bare.url}/hello`, connections, duration: 2 });
  const result = await cannon({ url: `${bare.url}/hello`, connections, duration });
  await stop(bare.proc);
  return result["2xx"] / duration;
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function main(): Promise<void> {
  const json = args.includes("--json");
  const duration = Number(args[args.indexOf("--duration") + 1]) || 10;
  const connections = 50;
  const log = (line: string) => {
    if (!json) console.log(line);
  };
  const dir = await mkdtemp(join(tmpdir(), "imi-bench-gw-"));
  const wallets = Array.from({ length: 7 }, () => Wallet.createRandom() as unknown as Wallet);
  const validator = Wallet.createRandom();
  const chain = await startChain({
    dataDir: join(dir, "chain"),
    validatorKey: validator.privateKey,
    port: 0,
    genesis: { validator: validator.address, allowlist: wallets.map((w) => w.address) },
    logger: pino({ level: "silent" }),
  });
  const provider = new JsonRpcProvider(chain.url, undefined, { cacheTimeout: -1, staticNetwork: true, pollingInterval: 20 });
  const [deployer, governor, registrar, agency, gatewayWallet, citizenWallet, verifierWallet] = wallets.map((w) => w.connect(provider));
  log("deploying IMI on the embedded chain ...");
  const imi = await deployWiredImi(deployer, { governor: governor.address, governorSigner: governor, roles: [1, 3, 5, 9], accounts: [registrar.address, agency.address, gatewayWallet.address, verifierWallet.address], allowlist: wallets.map((w) => w.address) });
  const { identityRegistry, consentRegistry } = imi.contracts;
  const wiring = imi.addresses;
  const citizen = hexlify(randomBytes(32));
  await (await identityRegistry.connect(registrar).getFunction("register")(citizen, citizenWallet.address, hexlify(randomBytes(32)), 2)).wait();
  const purpose = id("housing-benefit");
  const now = (await provider.getBlock("latest"))!.timestamp;
  const grant = await (await consentRegistry.connect(citizenWallet).getFunction("grant")({ citizen, agency: agency.address, scopes: 4n, purpose, validFrom: now - 1, validUntil: now + 86_400, maxUses: 0 })).wait();
  const consentId = consentRegistry.interface.parseLog(grant!.logs[0])!.args.consentId as string;

  const audience = "https://gateway.bench.example";
  const masterKey = `0x${randomBytes(32).toString("hex")}`;
  const config: GatewayServerConfig = {
    dataDir: join(dir, "gateway"),
    rpc: chain.url,
    wsUrl: chain.wsUrl,
    deployment: { chainId: chain.chainId, contracts: wiring as never },
    gatewayKey: gatewayWallet.privateKey as Hex,
    vault: { kind: "level", masterKey: masterKey as Hex },
    audience,
    limits: { rateLimitPerMinute: 100_000_000 },
  };
  // The record is written through a short-lived gateway in this process, then the measured one starts.
  const seed = await startGateway({ ...config, logger: false });
  await seed.vault.put(citizen, { address: { district: "Haidian", street: "1 Example Road" } });
  await seed.close();

  log(`bare Fastify (before): ${connections} connections, ${duration} s ...`);
  const bareBeforePerS = await bareFastify(connections, duration);

  const gw = await child("gateway", { IMI_GATEWAY_CONFIG: JSON.stringify(config) });
  const agencyKey = privateKeyToAccount(agency.privateKey as Hex);
  const loginRes = await fetch(`${gw.url}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(signAgencyLogin(agencyKey, { chainId: chain.chainId, gateway: gatewayWallet.address as Hex, audience })) });
  const token = ((await loginRes.json()) as { token: string }).token;
  const accessBody = JSON.stringify({ citizen, scopes: "4", purpose, grantId: consentId });
  // Nonces only have to be unique: a random prefix and a counter spare the load generator, which
  // shares the two cores with the gateway, a CSPRNG call per request (the gateway's work is the same).
  const noncePrefix = randomBytes(16).toString("hex");
  let nonceCounter = 0;
  const accessHeaders = () => ({ "content-type": "application/json", authorization: `Bearer ${token}`, "x-imi-nonce": `0x${noncePrefix}${(++nonceCounter).toString(16).padStart(32, "0")}`, "x-imi-issued-at": String(Math.floor(Date.now() / 1000)) });

  let peakRss = 0;
  const procStatus = existsSync("/proc/self/status");
  const sampler = setInterval(() => {
    if (procStatus) return;
    void fetch(`${gw.url}/metrics`)
      .then((r) => r.text())
      .then((text) => {
        const m = /imi_gateway_process_resident_memory_bytes (\d+)/.exec(text);
        if (m) peakRss = Math.max(peakRss, Number(m[1]));
      })
      .catch(() => undefined);
  }, 250);

  // 1. Authorized accesses.
  log(`authorized accesses: ${connections} connections, ${duration} s ...`);
  await cannon({ url: `${gw.url}/v1/access/data`, connections, duration: 2, requests: [{ method: "POST", body: accessBody, setupRequest: (r) => ({ ...r, headers: accessHeaders() }) }] });
  const access = await cannon({ url: `${gw.url}/v1/access/data`, connections, duration, requests: [{ method: "POST", body: accessBody, setupRequest: (r) => ({ ...r, headers: accessHeaders() }) }] });
  const accessOk = access["2xx"];
  const accessPerS = accessOk / duration;

  // 1b. The same accesses signed per request (no session): one signature check each.
  const signedCount = 10_000;
  const accessPath = "/v1/access/data";
  const agencySecret = Buffer.from(agency.privateKey.slice(2), "hex");
  const signedHeaders: Array<Record<string, string>> = [];
  const issuedAt = Math.floor(Date.now() / 1000) + 30; // signed ahead, still inside the skew window while they run
  for (let i = 0; i < signedCount; i++) {
    const message = agencyRequestMessage({ chainId: chain.chainId, agency: agency.address as Hex, gateway: gatewayWallet.address as Hex, citizen: citizen as Hex, scopes: 4n, purpose: purpose as Hex, grantId: consentId as Hex, method: "POST", path: accessPath, body: accessBody, issuedAt });
    // The SDK's digest, signed with libsecp256k1 so that preparing 10,000 requests takes a second, not five.
    const digest = Buffer.from(hashTypedData(agencyRequestTypedData(chain.chainId, message)).slice(2), "hex");
    const { signature, recid } = secp256k1.ecdsaSign(digest, agencySecret);
    signedHeaders.push({ "content-type": "application/json", ...agencyRequestHeaders({ message, signature: `0x${Buffer.from(signature).toString("hex")}${(27 + recid).toString(16)}` as Hex }) });
  }
  log(`signed accesses: ${signedCount} requests ...`);
  let nextSigned = 0;
  const signedStart = performance.now();
  const signedRun = await cannon({ url: `${gw.url}${accessPath}`, connections, amount: signedCount, requests: [{ method: "POST", body: accessBody, setupRequest: (r) => ({ ...r, headers: signedHeaders[nextSigned++ % signedCount] }) }] });
  const signedPerS = signedRun["2xx"] / ((performance.now() - signedStart) / 1000);

  // 2. Identity verifications (each one a fresh challenge, a citizen signature, an access record).
  const citizenKey = privateKeyToAccount(citizenWallet.privateKey as Hex);
  const proofs: string[] = [];
  const proofCount = 3_000;
  // Fetched 50 at a time: 3,000 sockets opened at once go past the gateway's connection limit.
  const challenges: Array<{ challenge: Hex }> = [];
  while (challenges.length < proofCount)
    challenges.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(connections, proofCount - challenges.length) }, () =>
          fetch(`${gw.url}/v1/identity/challenge`, { method: "POST", headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ challenge: Hex }>),
        ),
      )),
    );
  for (const c of challenges) proofs.push(JSON.stringify(signIdentityProof(citizenKey, { chainId: chain.chainId, citizen: citizen as Hex, audience, challenge: c.challenge })));
  log(`identity verifications: ${proofCount} proofs ...`);
  let next = 0;
  const identityStart = performance.now();
  const identity = await cannon({
    url: `${gw.url}/v1/identity/verify`,
    connections,
    amount: proofCount,
    requests: [{ method: "POST", setupRequest: (r) => ({ ...r, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: proofs[next++ % proofs.length] }) }],
  });
  const identityPerS = identity["2xx"] / ((performance.now() - identityStart) / 1000);

  // 2b. One-code verifications by a verifier device (each a staple and a controller signature
  // checked, the index asked, a replay nonce claimed, an access record written). The codes are made
  // ahead, within their one-minute life.
  const citizenClient = createGatewayClient({ url: gw.url });
  await citizenClient.loginCitizen({ signer: citizenKey, citizen: citizen as Hex });
  const staple = await getOneCodeStaple(citizenClient);
  const verifierKey = privateKeyToAccount(verifierWallet.privateKey as Hex);
  const verifierLogin = await fetch(`${gw.url}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(signAgencyLogin(verifierKey, { chainId: chain.chainId, gateway: gatewayWallet.address as Hex, audience })) });
  const verifierToken = ((await verifierLogin.json()) as { token: string }).token;
  const codeCount = 1_000;
  const codes: string[] = [];
  // Stamped 20 s ahead (the gateway allows 30 s of skew), so none outlives its minute on a loaded machine.
  const codeTime = Math.floor(Date.now() / 1000) + 20;
  for (let i = 0; i < codeCount; i++) codes.push(JSON.stringify({ code: await createOneCode(citizenKey, { chainId: chain.chainId, staple, verifier: verifierKey.address, issuedAt: codeTime }) }));
  log(`one-code verifications: ${codeCount} codes ...`);
  let nextCode = 0;
  const oneCodeStart = performance.now();
  const oneCode = await cannon({
    url: `${gw.url}/v1/one-code/verify`,
    connections,
    amount: codeCount,
    requests: [{ method: "POST", setupRequest: (r) => ({ ...r, headers: { "content-type": "application/json", authorization: `Bearer ${verifierToken}` }, body: codes[nextCode++ % codes.length] }) }],
  });
  const oneCodePerS = oneCode["2xx"] / ((performance.now() - oneCodeStart) / 1000);
  // A refusal is a 200 too: a code shown again must be a replay, so it was verified the first time.
  const again = (await (await fetch(`${gw.url}/v1/one-code/verify`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${verifierToken}` }, body: codes[Math.floor(codeCount / 2)] })).json()) as { reason: string };
  if (again.reason !== "ONE_CODE_REPLAYED") throw new Error(`one-code bench: the codes were not verified (${again.reason})`);

  // 3. Revocation to refusal: the citizen revokes on chain; how long until the gateway refuses?
  const revocation = await (await consentRegistry.connect(citizenWallet).getFunction("revoke")(consentId)).wait();
  const receiptAt = performance.now();
  void revocation;
  let refusedAt = 0;
  for (let i = 0; i < 10_000 && refusedAt === 0; i++) {
    const r = await fetch(`${gw.url}/v1/access/data`, { method: "POST", headers: accessHeaders(), body: accessBody });
    if (r.status === 403) refusedAt = performance.now();
  }
  const revocationToRefusalMs = refusedAt - receiptAt;
  clearInterval(sampler);
  if (procStatus) peakRss = (await peakRssOf(gw.proc.pid!)) ?? 0;
  await stop(gw.proc);

  // 4. Bare Fastify again, same machine, same process setup; the ratio is against the mean of both.
  log(`bare Fastify (after): ${connections} connections, ${duration} s ...`);
  const bareAfterPerS = await bareFastify(connections, duration);
  const bareFastifyPerS = (bareBeforePerS + bareAfterPerS) / 2;

  provider.destroy();
  await chain.close();
  await rm(dir, { recursive: true, force: true });

  const figures = {
    access_per_s: Math.round(accessPerS),
    access_non_2xx: access.non2xx,
    p50_ms: access.latency.p50,
    p99_ms: access.latency.p99,
    bare_fastify_per_s: Math.round(bareFastifyPerS),
    bare_fastify_before_after_per_s: [Math.round(bareBeforePerS), Math.round(bareAfterPerS)],
    ratio: Number((accessPerS / bareFastifyPerS).toFixed(3)),
    signed_access_per_s: Math.round(signedPerS),
    identity_verify_per_s: Math.round(identityPerS),
    one_code_verify_per_s: Math.round(oneCodePerS),
    revocation_to_refusal_ms: Math.round(revocationToRefusalMs),
    peak_rss_mb: Math.round(peakRss / 2 ** 20),
    connections,
    duration_s: duration,
  };
  if (json) console.log(JSON.stringify(figures));
  else {
    console.log("");
    console.log(`authorized accesses/s     ${figures.access_per_s}   (non-2xx: ${figures.access_non_2xx})`);
    console.log(`latency p50 / p99         ${figures.p50_ms} ms / ${figures.p99_ms} ms   (${connections} connections)`);
    console.log(`bare Fastify JSON/s       ${figures.bare_fastify_per_s}   (before ${figures.bare_fastify_before_after_per_s[0]}, after ${figures.bare_fastify_before_after_per_s[1]})`);
    console.log(`ratio                     ${(figures.ratio * 100).toFixed(1)} %`);
    console.log(`signed-request accesses/s ${figures.signed_access_per_s}   (a signature checked per request, no session)`);
    console.log(`identity verifications/s  ${figures.identity_verify_per_s}`);
    console.log(`one-code verifications/s  ${figures.one_code_verify_per_s}   (a door's check: staple, signature, index, replay, log)`);
    console.log(`revocation -> refusal     ${figures.revocation_to_refusal_ms} ms`);
    console.log(`gateway peak RSS          ${figures.peak_rss_mb} MB`);
  }
}
