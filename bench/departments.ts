// Predicates at the source against predicates on the gateway's own vault, in the same run on the
// same node: "65 or older?" goes to the civil-affairs department (its reference server on 127.0.0.1,
// which evaluates and signs; the gateway checks the signature and the role, logs, countersigns the
// whole) and "resident of Haidian?" is answered from the gateway's vault. Both are consent-checked,
// logged and signed by the gateway; the difference is the department's hop and the two extra
// signatures. Prints answers/s and p50/p99 of each at the same concurrency, and the ratio.
// Usage: npx tsx bench/departments.ts [--duration 8] [--concurrency 16] [--json]
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import Fastify from "fastify";
import { pino } from "pino";
import { code, createGatewayClient, privateKeyToAccount, type Hex } from "@imi-ledger/sdk";
import { loadConfig } from "../node/runtime/config.js";
import { openKeyRing } from "../node/runtime/keys.js";
import { startImiNode } from "../node/runtime/startNode.js";
import { LevelVault, vaultHttpPlugin } from "../node/vault/index.js";
import { grantRole } from "../cli/commands/roles/grant.js";
import { registerCitizen } from "../cli/commands/registrar/register.js";
import { grantConsent } from "../cli/commands/consent/grant.js";
import { registerAgency } from "../cli/commands/agency/register.js";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const durationMs = flag("duration", 8) * 1000;
const concurrency = flag("concurrency", 16);
const json = args.includes("--json");

const dataDir = await mkdtemp(join(tmpdir(), "imi-bench-departments-"));
const deptDir = await mkdtemp(join(tmpdir(), "imi-bench-department-"));
const departmentKey = privateKeyToAccount(`0x${randomBytes(32).toString("hex")}` as Hex);
const token = randomBytes(32).toString("hex");
const store = await LevelVault.open({ dir: deptDir, masterKey: new Uint8Array(randomBytes(32)) });
const department = Fastify({ logger: false });
await department.register(vaultHttpPlugin, { vault: store, token, department: { account: departmentKey, chainId: 7337 } });
const departmentUrl = await department.listen({ host: "127.0.0.1", port: 0 });
await writeFile(join(dataDir, "imi.json"), JSON.stringify({ departments: [{ name: "civil-affairs", url: departmentUrl, token, categories: ["birth"], account: departmentKey.address }] }));

const config = await loadConfig({ flags: { dataDir, chain: { port: 0 }, gateway: { port: 0, rateLimitPerMinute: 10_000_000 }, logLevel: "silent" }, env: {} });
const node = await startImiNode(config, { env: {}, logger: pino({ level: "silent" }) });
try {
  const ring = await openKeyRing(dataDir);
  for (const [role, account] of [
    ["registrar", await ring.address("registrar")],
    ["agency", await ring.address("benefits-office")],
    ["department", departmentKey.address],
  ] as const)
    await grantRole({ dataDir, role, account });
  await registerAgency({
    dataDir,
    key: "governor",
    account: await ring.address("benefits-office"),
    registration: {
      name: { "zh-CN": "民政局福利科", en: "Benefits office" },
      contact: "12345",
      legalBasis: { "zh-CN": "社会救助暂行办法", en: "Interim Measures on Social Assistance" },
      purposes: [{ id: "social-benefits", categories: ["birth", "address"], name: { "zh-CN": "社会福利审核", en: "Social benefits assessment" } }],
    },
  });
  // The registration's birth category is written to the department's system, the address to the gateway's vault.
  const { citizen } = await registerCitizen({ dataDir, key: "registrar", controller: await ring.address("wang-fang"), name: "Wang Fang", idNumber: "110101195001011234", birthDate: "1950-01-01", district: "Haidian" });
  await grantConsent({ dataDir, key: "wang-fang", agency: await ring.address("benefits-office"), scopes: "birth,address", purpose: "social-benefits", for: "30d", yes: true } as Parameters<typeof grantConsent>[0]);
  const client = createGatewayClient({ url: node.gateway.url });
  await client.loginStaff({ signer: privateKeyToAccount((await ring.privateKey("benefits-office")) as Hex), lifetimeSeconds: 900 });
  const purpose = code("social-benefits");
  const ask = {
    source: () => client.askPredicate({ citizen, scopes: 1n << 1n, purpose, predicate: { type: "ageAtLeast", years: 65 } }),
    local: () => client.askPredicate({ citizen, scopes: 1n << 2n, purpose, predicate: { type: "residentOf", district: "Haidian" } }),
  };
  const first = await ask.source();
  if (!first.result || !first.source) throw new Error("the department did not answer at the source");

  async function run(name: keyof typeof ask) {
    const latencies: number[] = [];
    const refused: Record<string, number> = {};
    const until = Date.now() + durationMs;
    const cpu = process.cpuUsage();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) {
          const t = performance.now();
          // A refusal (a 503 while the index catches up on a loaded machine) is counted, not timed.
          const r = await ask[name]().catch((e: { gatewayCode?: string; code?: string }) => {
            const key = e.gatewayCode ?? e.code ?? "ERROR";
            refused[key] = (refused[key] ?? 0) + 1;
            return undefined;
          });
          if (r === undefined) continue;
          if (r.result !== true) throw new Error(`${name}: unexpected answer`);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    // CPU time of this one process (node, department server and client alike) per answer: on a shared
    // machine it moves far less with other load than answers/s do.
    const cpuMsPerAnswer = Math.round(((used.user + used.system) / 1000 / Math.max(1, latencies.length)) * 10) / 10;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
    return { answers: latencies.length, perSecond: Math.round((latencies.length / durationMs) * 1000), p50ms: at(0.5), p99ms: at(0.99), cpuMsPerAnswer, refused };
  }
  // Local, source, local again: load from elsewhere on the machine weighs on both sides alike.
  const local1 = await run("local");
  const source = await run("source");
  const local2 = await run("local");
  const local = { answers: local1.answers + local2.answers, perSecond: Math.round((local1.perSecond + local2.perSecond) / 2), p50ms: Math.max(local1.p50ms, local2.p50ms), p99ms: Math.max(local1.p99ms, local2.p99ms), cpuMsPerAnswer: Math.round(((local1.cpuMsPerAnswer + local2.cpuMsPerAnswer) / 2) * 10) / 10, refused: { ...local1.refused, ...local2.refused } };
  const result = { concurrency, durationMs, loadAverage: loadavg()[0], source, local, ratio: Math.round((source.perSecond / local.perSecond) * 100) / 100 };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`predicate at the source (department): ${source.perSecond} answers/s, p50 ${source.p50ms} ms, p99 ${source.p99ms} ms, ${source.cpuMsPerAnswer} ms CPU per answer`);
    console.log(`predicate on the gateway's vault:     ${local.perSecond} answers/s, p50 ${local.p50ms} ms, p99 ${local.p99ms} ms, ${local.cpuMsPerAnswer} ms CPU per answer (mean of two runs around it)`);
    console.log(`CPU per answer, source/local: ${Math.round((source.cpuMsPerAnswer / local.cpuMsPerAnswer) * 100) / 100}`);
    console.log(`ratio source/local: ${result.ratio} at ${concurrency} concurrent requests (load average ${result.loadAverage.toFixed(1)}; refused: source ${JSON.stringify(source.refused)}, local ${JSON.stringify(local.refused)})`);
  }
} finally {
  await node.close();
  await department.close();
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(deptDir, { recursive: true, force: true });
}
