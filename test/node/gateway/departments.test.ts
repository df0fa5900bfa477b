// Departments answer for themselves: two department systems own different categories, each with its
// own token and key (role department on chain); the gateway forwards predicates to the owner, checks
// its signed answer against the chain, logs the access and countersigns the whole. Everything between
// the gateway and the department that owns birth dates goes through a recording proxy on 127.0.0.1,
// so the test can show that no birth date ever crossed.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Fastify, { type FastifyInstance } from "fastify";
import { ZeroHash } from "ethers";
import { writeFile, mkdir, stat } from "node:fs/promises";
import {
  createImiClient,
  PredicateAnswerError,
  privateKeyToAccount,
  verifySourcedPredicateAnswer,
  type Hex,
  type LocalAccount,
} from "@imi-ledger/sdk";
import { Departments, LevelVault, vaultHttpPlugin, type DepartmentSettings, type Vault } from "../../../node/vault/index.js";
import { loadConfig } from "../../../node/runtime/config.js";
import { startGateway } from "../../../node/gateway/server.js";
import { code, grantConsent, registerCitizen, transportOf } from "../indexer/helpers.js";
import { createHarness, type Harness } from "./harness.js";

const P = code("social-benefits");
const BIRTH = 1n << 1n;
const ADDRESS = 1n << 2n;
const BIRTH_DATE = "1951-03-04";
const DEPARTMENT_ROLE = 10n;

type DepartmentServer = { name: string; key: LocalAccount; token: string; vault: Vault; app: FastifyInstance; url: string };

/** A department's own system: its store, its token, its key; the reference server of the protocol. */
async function departmentServer(h: Harness, name: string): Promise<DepartmentServer> {
  const key = privateKeyToAccount(`0x${randomBytes(32).toString("hex")}` as Hex);
  const token = randomBytes(32).toString("hex");
  const vault = await LevelVault.open({ dir: join(h.dir.path, `dept-${name}`), masterKey: new Uint8Array(randomBytes(32)) });
  const app = Fastify({ logger: false });
  await app.register(vaultHttpPlugin, { vault, token, department: { account: key, chainId: Number(h.f.chainId), now: h.now } });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return { name, key, token, vault, app, url };
}

/** Forwards to `target` and keeps every request and response body that crossed, as text. */
async function recordingProxy(target: string) {
  const crossed: string[] = [];
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on("data", (c: Buffer) => body.push(c));
    req.on("end", () => {
      const sent = Buffer.concat(body);
      crossed.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)} ${sent.toString("utf8")}`);
      const out = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (back) => {
        const chunks: Buffer[] = [];
        back.on("data", (c: Buffer) => chunks.push(c));
        back.on("end", () => {
          const got = Buffer.concat(chunks);
          crossed.push(`${back.statusCode} ${JSON.stringify(back.headers)} ${got.toString("utf8")}`);
          res.writeHead(back.statusCode ?? 502, back.headers);
          res.end(got);
        });
      });
      out.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      out.end(sent);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, crossed, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const settings = (d: DepartmentServer, url: string, categories: string[]): DepartmentSettings => ({ name: d.name, url, token: d.token, categories, account: d.key.address });

describe("gateway: departments answer for themselves", () => {
  let h: Harness;
  let civil: DepartmentServer; // owns birth
  let police: DepartmentServer; // owns address
  let rogue: DepartmentServer; // a key the chain gave no department role
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let app: FastifyInstance;
  let token: string;
  let citizen: Hex;

  beforeAll(async () => {
    h = await createHarness();
    [civil, police, rogue] = await Promise.all([departmentServer(h, "civil-affairs"), departmentServer(h, "public-security"), departmentServer(h, "rogue")]);
    for (const d of [civil, police]) await (await h.f.contracts.accessManager.connect(h.f.accounts.governor).grantRole(DEPARTMENT_ROLE, d.key.address, 0)).wait();
    citizen = (await registerCitizen(h.f, h.f.accounts.others[4])) as Hex;
    // Each department keeps its own data at its source; the gateway's vault never gets it.
    await civil.vault.put(citizen, { birth: { birthDate: BIRTH_DATE } });
    await police.vault.put(citizen, { address: { district: "Haidian", street: "1 Example Road" } });
    await rogue.vault.put(citizen, { birth: { birthDate: BIRTH_DATE } });
    await grantConsent(h.f, h.f.accounts.others[4], { citizen, agency: h.f.accounts.agency.address, scopes: BIRTH | ADDRESS, purpose: P });
    await h.indexer.sync();
    proxy = await recordingProxy(civil.url);
    const departments = Departments.create([settings(civil, proxy.url, ["birth"]), settings(police, police.url, ["address"])], ["identity", "birth", "address", "contact", "health", "income", "family", "credentials"]);
    app = await h.app({}, { vault: departments.route(h.vault), departments });
    token = await h.login(app, h.keys.agency);
  });
  afterAll(async () => {
    await proxy?.close();
    for (const d of [civil, police, rogue]) if (d) await d.app.close().then(() => d.vault.close());
    await h?.close();
  });

  const ask = (a: FastifyInstance, t: string, scopes: bigint, predicate: Record<string, unknown>) =>
    h.withSession(a, t, "/v1/access/predicate", { citizen, scopes: String(scopes), purpose: P, predicate });

  it("a predicate is answered by the department that owns its category, signed by its key and countersigned by the gateway", async () => {
    const old = await ask(app, token, BIRTH, { type: "ageAtLeast", years: 65 });
    expect(old.statusCode).toBe(200);
    const out = old.json();
    expect(out.result).toBe(true);
    expect(out.source.answer.department.toLowerCase()).toBe(civil.key.address.toLowerCase());
    expect(out.source.answer.question).toBe(out.answer.requestHash);
    expect(typeof out.sourcedSignature).toBe("string");
    expect((await ask(app, token, BIRTH, { type: "ageAtLeast", years: 80 })).json().result).toBe(false);

    const resident = (await ask(app, token, ADDRESS, { type: "residentOf", district: "Haidian" })).json();
    expect(resident.result).toBe(true);
    expect(resident.source.answer.department.toLowerCase()).toBe(police.key.address.toLowerCase());

    // The access is logged like any other, and the log commits to the department's answer.
    const logged = await h.accessLog.get(out.receipt.seq);
    expect(logged).toMatchObject({ kind: "predicate", decision: "allowed", reason: "ALLOWED", citizen: citizen.toLowerCase() });
  });

  it("an agency checks the whole with the SDK: the department role on chain, the same question, the gateway's signature over both", async () => {
    const body = { citizen, scopes: String(BIRTH), purpose: P, predicate: { type: "ageAtLeast", years: 65 } };
    const res = await h.signed(app, h.keys.agency, "/v1/access/predicate", body);
    expect(res.statusCode).toBe(200);
    const out = res.json();
    const client = createImiClient({ rpc: transportOf(h.f), deployment: h.deployment });
    const params = {
      answered: out,
      question: { agency: h.keys.agency.address, citizen, predicate: { type: "ageAtLeast" as const, years: 65 } },
      request: { requestHash: out.answer.requestHash as Hex },
      now: Math.floor(h.now() / 1000),
    };
    await expect(verifySourcedPredicateAnswer(client, { ...params, department: civil.key.address })).resolves.toMatchObject({ result: true, department: civil.key.address });
    // The department's answer altered after the gateway countersigned: refused.
    const flipped = { ...out, source: { ...out.source, answer: { ...out.source.answer, issuedAt: String(Number(out.source.answer.issuedAt) + 1) } } };
    const error = await verifySourcedPredicateAnswer(client, { ...params, answered: flipped }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PredicateAnswerError);
    expect(["ANSWER_SOURCE_MISMATCH", "ANSWER_BAD_SIGNATURE"]).toContain((error as PredicateAnswerError).code);
  });

  it("no raw field crosses: the birth date never passes between the gateway and the department, nor reaches the agency", async () => {
    const res = await ask(app, token, BIRTH, { type: "ageAtLeast", years: 18 });
    expect(res.statusCode).toBe(200);
    expect(proxy.crossed.length).toBeGreaterThanOrEqual(2 * 4);
    const wire = proxy.crossed.join("\n");
    expect(wire).toContain("/predicates/");
    expect(wire).not.toContain(BIRTH_DATE);
    expect(wire).not.toContain("birthDate");
    expect(wire).not.toContain("/records/");
    expect(res.body).not.toContain(BIRTH_DATE);
    // And the gateway's own vault never held it.
    expect(await h.vault.get(citizen)).toBeUndefined();
  });

  it("a department that is down gives 503 and a logged refusal, never a guess", async () => {
    const down = Departments.create([settings(civil, "http://127.0.0.1:9", ["birth"])], ["identity", "birth", "address", "credentials"]);
    const a = await h.app({}, { vault: down.route(h.vault), departments: down });
    const t = await h.login(a, h.keys.agency);
    const before = h.accessLog.lastSeq();
    const res = await ask(a, t, BIRTH, { type: "ageAtLeast", years: 18 });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("DEPARTMENT_UNAVAILABLE");
    expect(res.json().result).toBeUndefined();
    expect(h.accessLog.lastSeq()).toBe(before + 1);
    expect(await h.accessLog.get(before + 1)).toMatchObject({ kind: "predicate", decision: "denied", reason: "DEPARTMENT_UNAVAILABLE", recordHash: res.json().receipt.recordHash });
  });

  it("an answer signed by a key without the department role is refused and the refusal logged", async () => {
    const untrusted = Departments.create([settings(rogue, rogue.url, ["birth"])], ["identity", "birth", "address", "credentials"]);
    const a = await h.app({}, { vault: untrusted.route(h.vault), departments: untrusted });
    const t = await h.login(a, h.keys.agency);
    const before = h.accessLog.lastSeq();
    const res = await ask(a, t, BIRTH, { type: "ageAtLeast", years: 18 });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("DEPARTMENT_NOT_TRUSTED");
    expect(await h.accessLog.get(before + 1)).toMatchObject({ decision: "denied", reason: "DEPARTMENT_NOT_TRUSTED" });
    // A department configured with one account cannot answer with another's key either.
    const swapped = Departments.create([{ ...settings(civil, civil.url, ["birth"]), account: police.key.address }], ["identity", "birth", "address", "credentials"]);
    const b = await h.app({}, { vault: swapped.route(h.vault), departments: swapped });
    const res2 = await ask(b, await h.login(b, h.keys.agency), BIRTH, { type: "ageAtLeast", years: 18 });
    expect(res2.statusCode).toBe(503);
    expect(res2.json().code).toBe("DEPARTMENT_NOT_TRUSTED");
  });

  it("the department refuses a gateway without its token; data reads go to the owner", async () => {
    const res = await fetch(`${civil.url}/predicates/${citizen}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${police.token}` }, body: JSON.stringify({ predicate: { type: "ageAtLeast", years: 18 }, question: ZeroHash }) });
    expect(res.status).toBe(401);
    const routed = Departments.create([settings(civil, civil.url, ["birth"]), settings(police, police.url, ["address"])], ["identity", "birth", "address", "credentials"]).route(h.vault);
    expect(await routed.get(citizen, ["address"])).toEqual({ address: { district: "Haidian", street: "1 Example Road" } });
  });

  it("routing is validated at start with coded errors: one owner per category, known categories, a real token", async () => {
    const cats = ["identity", "birth", "address", "credentials"];
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return [(e as { code?: string }).code, (e as { details?: { setting?: string } }).details?.setting];
      }
      return undefined;
    };
    expect(codeOf(() => Departments.create([settings(civil, civil.url, ["birth"]), settings(police, police.url, ["birth"])], cats))).toEqual(["DEPARTMENT_CONFIG_INVALID", "departments[1].categories"]);
    expect(codeOf(() => Departments.create([settings(civil, civil.url, ["salary"])], cats))).toEqual(["DEPARTMENT_CONFIG_INVALID", "departments[0].categories"]);
    expect(codeOf(() => Departments.create([{ ...settings(civil, civil.url, ["birth"]), token: "short" }], cats))).toEqual(["DEPARTMENT_CONFIG_INVALID", "departments[0].token"]);
    expect(codeOf(() => Departments.create([settings(civil, "ftp://x", ["birth"])], cats))).toEqual(["DEPARTMENT_CONFIG_INVALID", "departments[0].url"]);
    // imi.json's `departments` is parsed with the rest of the configuration.
    await mkdir(join(h.dir.path, "cfg2"), { recursive: true });
    await writeFile(join(h.dir.path, "cfg2", "imi.json"), JSON.stringify({ departments: [{ name: "civil-affairs", url: civil.url, token: "short", categories: ["birth"], account: civil.key.address }] }));
    await expect(loadConfig({ flags: { dataDir: join(h.dir.path, "cfg2") }, env: {} })).rejects.toMatchObject({ code: "CONFIG_INVALID", details: { setting: "departments.0.token" } });
    await writeFile(join(h.dir.path, "cfg2", "imi.json"), JSON.stringify({ departments: [settings(civil, civil.url, ["birth"])] }));
    expect((await loadConfig({ flags: { dataDir: join(h.dir.path, "cfg2") }, env: {} })).departments?.[0].categories).toEqual(["birth"]);
    // startGateway checks the routing before it opens anything: nothing is created in its data directory.
    const gatewayDir = join(h.dir.path, "never-opened");
    await expect(
      startGateway({ dataDir: gatewayDir, rpc: "http://127.0.0.1:9", deployment: h.deployment, gatewayKey: `0x${"11".repeat(32)}`, vault: { kind: "level", masterKey: `0x${"22".repeat(32)}` }, departments: [settings(civil, civil.url, ["birth"]), settings(police, police.url, ["birth"])] }),
    ).rejects.toMatchObject({ code: "DEPARTMENT_CONFIG_INVALID", details: { setting: "departments[1].categories" } });
    await expect(stat(gatewayDir)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
