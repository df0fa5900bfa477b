// The life-event services and the agencies' webhooks follow the move to a network that continues
// the chain (docs/scale-out.md): one marriage is served and told before the move; a second is
// anchored while they are stopped, so only the retired chain holds it; after `imi besu-config` and
// a start on anvil booted from the genesis, the second is served and told once from the retired
// chain, a third anchored on anvil (block numbers there start again at 0) is served and told once,
// and the first is not delivered again. A services cursor that matches neither chain is refused.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Level } from "level";
import { Wallet } from "ethers";
import { pino } from "pino";
import { createGatewayClient, privateKeyToAccount, type Hex, type WebhookPayload } from "@imi-ledger/sdk";
import { loadConfig } from "../../../node/runtime/config.js";
import { openKeyRing } from "../../../node/runtime/keys.js";
import { startImiNode, type ImiNode } from "../../../node/runtime/startNode.js";
import { writeBesuConfig } from "../../../node/runtime/besuConfig.js";
import { readMigrationRecord } from "../../../node/runtime/migration.js";
import { LATER_FEE_FLOAT_WEI } from "../../../node/runtime/feeFloat.js";
import type { ServiceJob } from "../../../node/services/ServicesStore.js";
import { grantRole } from "../../../cli/commands/roles/grant.js";
import { grantConsent } from "../../../cli/commands/consent/grant.js";
import { registerAgency } from "../../../cli/commands/agency/register.js";
import { againOnReset, anchorMarriage, grantStanding, makeDataDir, register, removeDir, setUpDistrict, startNodeIn, waitFor, type Person } from "../services/helpers.js";
import { freePort } from "../../helpers/hardhatNode.js";

const require = createRequire(import.meta.url);
const ANVIL = join(dirname(require.resolve("@foundry-rs/anvil-linux-amd64/package.json")), "bin", "anvil");
const CAST = join(dirname(require.resolve("@foundry-rs/cast-linux-amd64/package.json")), "bin", "cast");

/** `cast send` with its defaults (a tip of at least 1 wei; anvil suggests 1 gwei): a plain transfer of nothing to itself. */
async function castSend(rpcUrl: string, wallet: Wallet): Promise<{ status: string }> {
  const { stdout } = await promisify(execFile)(CAST, ["send", "--private-key", wallet.privateKey, "--rpc-url", rpcUrl, "--json", wallet.address], { env: { ...process.env, FOUNDRY_DISABLE_NIGHTLY_WARNING: "1", NO_COLOR: "1" } });
  return JSON.parse(stdout.trim()) as { status: string };
}

async function balanceOf(rpcUrl: string, account: string): Promise<bigint> {
  const res = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBalance", params: [account, "latest"] }) });
  return BigInt(((await res.json()) as { result: string }).result);
}

describe("services and webhooks follow the move to a network that continues the chain", { timeout: 600_000 }, () => {
  let dataDir: string;
  let node: ImiNode;
  let anvil: ChildProcess | undefined;
  let anvilUrl: string;
  let hook: Server;
  let agencyAddress: Hex;
  let retiredBlock: number;
  let marriageSchema: Hex;
  const received: WebhookPayload[] = [];
  /** An agency allowed after the genesis, on the embedded chain: its balance and its first default `cast send`. */
  let lateOnEmbedded: { balance: bigint; sent: { status: string } };
  const wei: Person = { key: "wei", name: "Zhang Wei", idNumber: "110108199503070011", birthDate: "1995-03-07", district: "Haidian" };
  const min: Person = { key: "min", name: "Liu Min", idNumber: "110108199611120022", birthDate: "1996-11-12", district: "Haidian" };
  const lan: Person = { key: "lan", name: "Wang Lan", idNumber: "110108199404040024", birthDate: "1994-04-04", district: "Haidian" };
  const settled = (jobs: ServiceJob[]) => jobs.length === 3 && jobs.every((j) => j.state === "delivered");
  const jobsOf = (p: Person) => node.services.store.all({ citizen: p.citizen! });
  const lifeEventsOf = (p: Person) => received.filter((r) => r.event === "life-event" && r.data.citizen === p.citizen!.toLowerCase());
  const serviceRecordsOf = async (p: Person, fromSeq: number) => {
    const out: string[] = [];
    for (let seq = fromSeq; seq <= node.gateway.accessLog.lastSeq(); seq++) {
      const r = await node.gateway.accessLog.get(seq);
      if (r?.kind === "service" && r.citizen === p.citizen) out.push(r.requestHash);
    }
    return out;
  };

  beforeAll(async () => {
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as WebhookPayload);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));

    dataDir = await makeDataDir();
    node = await startNodeIn(dataDir);
    ({ marriageSchema } = await setUpDistrict(dataDir));
    for (const p of [wei, min, lan]) {
      await register(dataDir, p);
      await grantStanding(dataDir, p);
    }
    const ring = await openKeyRing(dataDir);
    agencyAddress = (await ring.address("benefits-office")) as Hex;
    await grantRole({ dataDir, role: "agency", account: agencyAddress });
    await registerAgency({
      dataDir,
      key: "governor",
      account: agencyAddress,
      registration: {
        name: { "zh-CN": "区社会救助事务所", en: "District benefits office" },
        contact: "12345",
        legalBasis: { "zh-CN": "《社会救助暂行办法》", en: "Interim Measures on Social Assistance" },
        purposes: [{ id: "social-benefits", categories: ["address"], name: { "zh-CN": "社会救助", en: "Social benefits" } }],
      },
    });
    const agency = createGatewayClient({ url: node.gateway.url });
    await againOnReset(async () => agency.loginStaff({ signer: privateKeyToAccount((await ring.privateKey("benefits-office")) as Hex), lifetimeSeconds: 900 }));
    // An account allowed after the genesis gets a fee float when it is allowed, so cast's default tip can be paid.
    const late = Wallet.createRandom();
    await grantRole({ dataDir, role: "agency", account: late.address });
    lateOnEmbedded = { balance: await balanceOf(node.info.rpcUrl, late.address), sent: await castSend(node.info.rpcUrl, new Wallet(late.privateKey)) };
    await againOnReset(() => agency.registerWebhook({ url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/imi`, events: ["life-event"] }));
    // The office serves all three, so it hears of each one's life events.
    for (const p of [wei, min, lan]) await grantConsent({ dataDir, key: p.key, agency: agencyAddress, scopes: "address", purpose: "social-benefits", for: "365d", yes: true });

    // Before the move: Wei's marriage is served and told.
    await anchorMarriage(dataDir, marriageSchema, [wei]);
    await waitFor(() => jobsOf(wei), settled, "wei's services");
    await waitFor(async () => lifeEventsOf(wei), (l) => l.length === 1, "wei's life event told");
    // Min's marriage is anchored while the services and webhooks are stopped: only the retired chain holds it.
    await node.services.engine!.stop();
    await node.services.webhooks!.stop();
    await anchorMarriage(dataDir, marriageSchema, [min]);
    await node.close();

    const besu = await writeBesuConfig({ dataDir, outDir: join(dataDir, "besu-network"), validators: 1 });
    retiredBlock = besu.retired.block;
    const port = await freePort();
    anvil = spawn(ANVIL, ["--init", join(dataDir, "besu-network", "genesis.json"), "--accounts", "0", "--base-fee", "0", "--host", "127.0.0.1", "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolve, reject) => {
      let text = "";
      const seen = (chunk: Buffer) => ((text += chunk.toString()), text.includes("Listening on") && resolve());
      anvil!.stdout!.on("data", seen);
      anvil!.stderr!.on("data", seen);
      anvil!.once("exit", (code) => reject(new Error(`anvil exited ${String(code)}: ${text}`)));
    });
    anvilUrl = `http://127.0.0.1:${port}`;
    const config = await loadConfig({ flags: { dataDir, chain: { rpcUrl: anvilUrl }, gateway: { port: 0 }, anchoring: { intervalMs: 200 }, logLevel: "silent" }, env: {} });
    node = await startImiNode(config, { env: {}, logger: pino({ level: "silent" }) });
  }, 600_000);

  afterAll(async () => {
    await node?.close();
    anvil?.kill();
    await new Promise((r) => hook?.close(r));
    await removeDir(dataDir);
  });

  it("the marriage only the retired chain holds is served and told once; the one served before the move is not again", async () => {
    expect(node.manifest.continues).toMatchObject({ block: retiredBlock });
    // Anvil asks a 1-gwei price: the services account, allowed after the genesis, pays its vouchers from its fee float.
    expect(await balanceOf(anvilUrl, node.services.engine!.address)).toBeGreaterThanOrEqual(LATER_FEE_FLOAT_WEI / 2n);
    await waitFor(() => jobsOf(min), settled, "min's services on the successor");
    await waitFor(async () => lifeEventsOf(min), (l) => l.length >= 1, "min's life event told");
    expect(await node.services.store.position()).toEqual({ cursor: expect.any(Number), successorChainId: node.manifest.chainId });
    expect((await node.services.webhookStore.position()).successorChainId).toBe(node.manifest.chainId);
    expect(await serviceRecordsOf(min, 1)).toEqual(expect.arrayContaining((await jobsOf(min)).map((j) => j.id)));
  });

  it("a marriage anchored on the successor opens its services and is told to the agency once; nothing from before the move is delivered again", async () => {
    const fromSeq = node.gateway.accessLog.lastSeq() + 1;
    await anchorMarriage(dataDir, marriageSchema, [lan]);
    const lanJobs = await waitFor(() => jobsOf(lan), settled, "lan's services on the successor");
    // Its block counts anvil's blocks, which start again at 0.
    expect(lanJobs[0]!.event.block).toBeLessThan(retiredBlock);
    await waitFor(async () => lifeEventsOf(lan), (l) => l.length >= 1, "lan's life event told");
    // The outbox holds one life-event delivery per marriage; each was sent once.
    const outbox = (await node.services.webhookStore.agencyDeliveries(agencyAddress, 100)).filter((d) => d.event === "life-event");
    expect(outbox.map((d) => (JSON.parse(d.body) as WebhookPayload).data.citizen).sort()).toEqual([wei, min, lan].map((p) => p.citizen!.toLowerCase()).sort());
    expect(outbox.every((d) => d.state === "delivered" && d.attempts === 1)).toBe(true);
    for (const p of [wei, min, lan]) expect(lifeEventsOf(p).length, p.key).toBe(1);
    expect(await serviceRecordsOf(lan, fromSeq)).toEqual(expect.arrayContaining(lanJobs.map((j) => j.id)));
    expect(await serviceRecordsOf(wei, fromSeq)).toEqual([]);
    expect(await serviceRecordsOf(min, fromSeq)).toEqual([]);
    expect((await jobsOf(wei)).length).toBe(3);
  });

  it("an account allowed after the genesis gets a fee float when it is allowed: cast send with its defaults works on the embedded chain and on the successor", async () => {
    expect(lateOnEmbedded).toEqual({ balance: LATER_FEE_FLOAT_WEI, sent: expect.objectContaining({ status: "0x1" }) });
    const late = Wallet.createRandom();
    const granted = await grantRole({ dataDir, role: "agency", account: late.address });
    expect(granted.txHashes.length).toBe(3);
    expect(await balanceOf(anvilUrl, late.address)).toBe(LATER_FEE_FLOAT_WEI);
    expect((await castSend(anvilUrl, new Wallet(late.privateKey))).status).toBe("0x1");
    // Granted again: it holds its float, nothing more is sent.
    expect((await grantRole({ dataDir, role: "agency", account: late.address })).txHashes).toEqual([]);
  });

  it("refuses to start when the services' cursor matches neither chain, and changes nothing", async () => {
    await node.close();
    const webhooksBefore = await (async () => {
      const db = new Level<string, string>(join(dataDir, "webhooks"), { valueEncoding: "utf8" });
      try {
        return await db.getMany(["m:consents", "m:life", "m:successor"]);
      } finally {
        await db.close();
      }
    })();
    // A cursor past the retired chain's last block, not marked as counting the successor's.
    const db = new Level<string, string>(join(dataDir, "services"), { valueEncoding: "utf8" });
    await db.batch([{ type: "del", key: "m:successor" }, { type: "put", key: "m:cursor", value: String(retiredBlock + 1) }], { sync: true });
    await db.close();
    const config = await loadConfig({ flags: { dataDir, chain: { rpcUrl: anvilUrl }, gateway: { port: 0 }, logLevel: "silent" }, env: {} });
    await expect(startImiNode(config, { env: {}, logger: pino({ level: "silent" }) })).rejects.toMatchObject({ code: "SERVICES_MIGRATION_MISMATCH", details: { block: retiredBlock + 1, retired: retiredBlock } });
    const check = new Level<string, string>(join(dataDir, "services"), { valueEncoding: "utf8" });
    expect(await check.getMany(["m:cursor", "m:successor"])).toEqual([String(retiredBlock + 1), undefined]);
    await check.close();
    const hooks = new Level<string, string>(join(dataDir, "webhooks"), { valueEncoding: "utf8" });
    expect(await hooks.getMany(["m:consents", "m:life", "m:successor"])).toEqual(webhooksBefore);
    await hooks.close();
    expect((await readMigrationRecord(dataDir))?.block).toBe(retiredBlock);
    node = undefined as unknown as ImiNode;
  });
});
