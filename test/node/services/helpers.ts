// A real node (embedded chain, gateway, vault, access log, services) in a temp data directory, and
// the people of the life-event stories: a civil-affairs issuer, a registrar, citizens with records.
// Everything goes through the CLI's command functions, as `imi demo` does.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { createGatewayClient, privateKeyToAccount, type GatewayClient, type Hex } from "@imi-ledger/sdk";
import { loadConfig } from "../../../node/runtime/config.js";
import { openKeyRing } from "../../../node/runtime/keys.js";
import { startImiNode, type ImiNode } from "../../../node/runtime/startNode.js";
import { DEFAULT_SERVICE_RULES } from "../../../node/services/defaultRules.js";
import type { ServiceJob, JobState } from "../../../node/services/ServicesStore.js";
import { grantRole } from "../../../cli/commands/roles/grant.js";
import { registerSchema } from "../../../cli/commands/issuer/schema.js";
import { registerCitizen } from "../../../cli/commands/registrar/register.js";
import { grantConsent } from "../../../cli/commands/consent/grant.js";
import { issueCredentialFile } from "../../../cli/commands/issuer/issue.js";
import { anchorCredentials } from "../../../cli/commands/issuer/anchor.js";

export const ENGINE = { enabled: true, pollIntervalMs: 100, retryBaseMs: 200, retryMaxMs: 1_000 };

export async function makeDataDir(engine: Record<string, unknown> = ENGINE): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), "imi-services-"));
  await writeFile(join(dataDir, "services.json"), JSON.stringify({ ...DEFAULT_SERVICE_RULES, engine }));
  return dataDir;
}

export async function startNodeIn(dataDir: string): Promise<ImiNode> {
  const config = await loadConfig({ flags: { dataDir, chain: { port: 0 }, gateway: { port: 0 }, anchoring: { intervalMs: 200 }, logLevel: "silent" }, env: {} });
  return startImiNode(config, { env: {}, logger: pino({ level: "silent" }) });
}

export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });

export type Person = { key: string; name: string; idNumber: string; birthDate: string; district: string; citizen?: Hex };

/** Registrar and civil-affairs issuer with their roles, and the marriage schema the issuer is trusted for. */
export async function setUpDistrict(dataDir: string): Promise<{ marriageSchema: Hex }> {
  const ring = await openKeyRing(dataDir);
  for (const [role, key] of [["registrar", "registrar"], ["issuer", "civil-affairs"]] as const) await grantRole({ dataDir, role, account: await ring.address(key) });
  const schema = await registerSchema({ dataDir, key: "governor", name: "marriage-registration", version: "1", trust: [await ring.address("civil-affairs")] });
  return { marriageSchema: schema.schemaId };
}

export async function register(dataDir: string, p: Person): Promise<Hex> {
  const ring = await openKeyRing(dataDir);
  const r = await registerCitizen({ dataDir, key: "registrar", controller: await ring.address(p.key), name: p.name, idNumber: p.idNumber, birthDate: p.birthDate, district: p.district });
  p.citizen = r.citizen;
  return r.citizen;
}

/** The citizen grants the standing "proactive services" consent to the node's services account. */
export async function grantStanding(dataDir: string, p: Person, scopes = "birth,address,credentials"): Promise<Hex> {
  const ring = await openKeyRing(dataDir);
  const r = await grantConsent({ dataDir, key: p.key, agency: await ring.address("services"), scopes, purpose: "proactive-services", for: "365d", yes: true });
  return r.consentId;
}

/** Civil affairs issues and anchors a marriage credential about each person (one per spouse). */
export async function anchorMarriage(dataDir: string, schemaId: Hex, people: Person[]): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "imi-marriage-"));
  try {
    const files: string[] = [];
    for (const p of people) {
      const file = join(work, `${p.key}.json`);
      await issueCredentialFile({ dataDir, key: "civil-affairs", schema: schemaId, subject: p.citizen!, claims: JSON.stringify({ event: "marriage", registeredOn: "2026-11-30" }), out: file });
      files.push(file);
    }
    await anchorCredentials({ dataDir, key: "civil-affairs", files, progress: false });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Waits (no time assertion: a bound so a broken run ends) until `ready` holds for the jobs. */
export async function waitFor<T>(read: () => Promise<T>, ready: (v: T) => boolean, what: string, limitMs = 90_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const v = await read();
    if (ready(v)) return v;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(v, null, 1).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const statesOf = (jobs: ServiceJob[]) => Object.fromEntries(jobs.map((j) => [j.rule, j.state])) as Record<string, JobState>;

export async function citizenClient(dataDir: string, node: ImiNode, p: Person): Promise<GatewayClient> {
  const ring = await openKeyRing(dataDir);
  const client = createGatewayClient({ url: node.gateway.url });
  const signer = privateKeyToAccount((await ring.privateKey(p.key)) as Hex);
  await againOnReset(() => client.loginCitizen({ signer, citizen: p.citizen! }));
  return client;
}

/**
 * Runs a gateway call again once when the socket was reset: on a loaded machine a keep-alive socket
 * the gateway closed as idle can be reused by fetch at that moment. That race is not what these tests are about.
 */
export async function againOnReset<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if ((error as { code?: string }).code !== "NETWORK") throw error;
    return call();
  }
}
