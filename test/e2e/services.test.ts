// The services story end to end on a real node: the civil affairs issuer anchors a marriage; both
// spouses, who granted the standing consent, hold the vouchers and see them in their tracker; a
// third person without it gets offers; the node restarts in the middle and nothing is delivered
// twice, while the agency's webhook outbox survives the restart. The benefits office, which serves
// one spouse under consent, hears of the marriage and, when she revokes her consent, of the
// revocation on a real HTTP endpoint; its acknowledgement shows in her view; her deletion request
// reaches it the same way and its answer shows too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createGatewayClient, privateKeyToAccount, verifyDelivery, type GatewayClient, type Hex, type WebhookPayload } from "@imi-ledger/sdk";
import type { ImiNode } from "../../node/runtime/startNode.js";
import type { ServiceJob } from "../../node/services/ServicesStore.js";
import type { AccessRecord } from "../../node/accesslog/index.js";
import { openKeyRing } from "../../node/runtime/keys.js";
import { grantRole } from "../../cli/commands/roles/grant.js";
import { grantConsent } from "../../cli/commands/consent/grant.js";
import { changeConsent } from "../../cli/commands/consent/change.js";
import { registerAgency } from "../../cli/commands/agency/register.js";
import { againOnReset, anchorMarriage, citizenClient, grantStanding, makeDataDir, register, removeDir, setUpDistrict, startNodeIn, statesOf, waitFor, type Person } from "../node/services/helpers.js";

const MARRIAGE_RULES = ["premarital-check-voucher", "prenatal-check-voucher", "folic-acid-supply"];

type Received = { headers: Record<string, string | string[] | undefined>; body: string; at: number; status: number };

describe("services story: a marriage, a restart, an agency told at once", { timeout: 600_000 }, () => {
  let dataDir: string;
  let node: ImiNode;
  let marriageSchema: Hex;
  let agencyAddress: Hex;
  let agency: GatewayClient;
  let hook: Server;
  let hookUrl: string;
  // While true the endpoint answers 503 (the agency's system is down): deliveries wait in the outbox.
  let refusing = true;
  const received: Received[] = [];
  const wei: Person = { key: "wei", name: "Zhang Wei", idNumber: "110108199503070011", birthDate: "1995-03-07", district: "Haidian" };
  const min: Person = { key: "min", name: "Liu Min", idNumber: "110108199611120022", birthDate: "1996-11-12", district: "Haidian" };
  const fang: Person = { key: "fang", name: "Chen Fang", idNumber: "110108199001010048", birthDate: "1990-01-01", district: "Haidian" };
  let weiConsent: Hex;
  const jobsOf = (p: Person) => node.services.store.all({ citizen: p.citizen! });
  const settled = (jobs: ServiceJob[]) => jobs.length === 3 && jobs.every((j) => !["pending", "delivering", "failed"].includes(j.state));
  const accepted = () => received.filter((r) => r.status === 200).map((r) => ({ ...r, payload: JSON.parse(r.body) as WebhookPayload }));
  const verify = (r: Received) => verifyDelivery({ chainId: node.info.chainId, gateway: node.info.gateway as Hex, agency: agencyAddress, headers: r.headers, body: r.body });
  const allRecords = async () => {
    const out: AccessRecord[] = [];
    for (let seq = 1; seq <= node.gateway.accessLog.lastSeq(); seq++) {
      const r = await node.gateway.accessLog.get(seq);
      if (r) out.push(r);
    }
    return out;
  };

  // Sessions live in the gateway's memory and the node listens on a fresh port after a restart: log in again then.
  const agencyLogin = async () => {
    const ring = await openKeyRing(dataDir);
    agency = createGatewayClient({ url: node.gateway.url });
    await againOnReset(async () => agency.loginStaff({ signer: privateKeyToAccount((await ring.privateKey("benefits-office")) as Hex), lifetimeSeconds: 900 }));
  };

  beforeAll(async () => {
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const status = refusing ? 503 : 200;
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now(), status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/imi`;

    dataDir = await makeDataDir();
    node = await startNodeIn(dataDir);
    ({ marriageSchema } = await setUpDistrict(dataDir));
    for (const p of [wei, min, fang]) await register(dataDir, p);
    await grantStanding(dataDir, wei);
    await grantStanding(dataDir, min);
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
    await agencyLogin();
    await agency.registerWebhook({ url: hookUrl, events: ["consent.granted", "consent.paused", "consent.resumed", "consent.revoked", "consent.expired", "life-event", "data-request"] });
    // Wei is served by the benefits office under her consent; Min is not.
    weiConsent = (await grantConsent({ dataDir, key: wei.key, agency: agencyAddress, scopes: "address", purpose: "social-benefits", for: "365d", yes: true })).consentId;
  }, 600_000);

  afterAll(async () => {
    await node?.close();
    await new Promise((r) => hook?.close(r));
    await removeDir(dataDir);
  });

  it("spouses hold their vouchers and see them, the third person is offered them; a restart in the middle delivers nothing twice and loses no webhook", async () => {
    await anchorMarriage(dataDir, marriageSchema, [wei, min, fang]);
    // Stop the node while the marriage is being worked on (at least one service settled, the agency's endpoint down).
    await waitFor(() => jobsOf(wei), (jobs) => jobs.some((j) => j.state === "delivered"), "a first delivery");
    await waitFor(async () => received.filter((r) => r.body.includes('"life-event"')), (l) => l.length >= 1, "a refused life-event attempt");
    await node.close();
    const beforeRestart = received.length;
    node = await startNodeIn(dataDir);
    await agencyLogin();
    refusing = false;

    const weiJobs = await waitFor(() => jobsOf(wei), settled, "wei's services");
    const minJobs = await waitFor(() => jobsOf(min), settled, "min's services");
    const fangJobs = await waitFor(() => jobsOf(fang), settled, "fang's offers");
    for (const jobs of [weiJobs, minJobs]) expect(statesOf(jobs)).toEqual(Object.fromEntries(MARRIAGE_RULES.map((r) => [r, "delivered"])));
    expect(statesOf(fangJobs)).toEqual(Object.fromEntries(MARRIAGE_RULES.map((r) => [r, "offered"])));

    // Nothing twice: one delivery record per job, and each voucher credential anchored once.
    const records = await allRecords();
    const deliveries = records.filter((r) => r.kind === "service" && r.reason === "SERVICE_DELIVERED");
    expect(deliveries.map((r) => r.requestHash).sort()).toEqual([...weiJobs, ...minJobs].map((j) => j.id).sort());
    expect(records.filter((r) => r.kind === "service" && r.citizen === fang.citizen)).toEqual([]);

    // Each spouse's tracker (the gateway's citizen view): the vouchers with the credential to keep, and the delivery records.
    for (const p of [wei, min]) {
      const gw = await citizenClient(dataDir, node, p);
      const view = await againOnReset(() => gw.getCitizenServices());
      const vouchers = view.services.filter((s) => s.state === "delivered" && s.delivery.kind === "credential");
      expect(vouchers.map((s) => s.rule).sort()).toEqual(["premarital-check-voucher", "prenatal-check-voucher"]);
      expect(vouchers.every((s) => (s.credential as { credentialHash: string }).credentialHash === s.delivery.credentialHash)).toBe(true);
      const accesses = await againOnReset(() => gw.getCitizenAccesses({ limit: 100 }));
      expect(accesses.records.filter((r) => r.reason === "SERVICE_DELIVERED").length).toBe(3);
    }
    const fangView = await againOnReset(async () => (await citizenClient(dataDir, node, fang)).getCitizenServices());
    expect(fangView.services.map((s) => s.state)).toEqual(["offered", "offered", "offered"]);

    // The agency's outbox survived the restart: deliveries refused before it arrived after it, each once.
    const lifeEvents = await waitFor(async () => accepted().filter((r) => r.payload.event === "life-event"), (l) => l.length >= 1, "the life-event webhook");
    expect(beforeRestart).toBeGreaterThan(0);
    expect(lifeEvents.map((r) => r.payload.data.citizen)).toEqual([wei.citizen]);
    // Refused while the endpoint was down, the grant's notice waits out its backoff (at least once, never lost).
    const granted = await waitFor(async () => accepted().filter((r) => r.payload.event === "consent.granted"), (l) => l.length >= 1, "the consent.granted webhook", 120_000);
    expect(granted.map((r) => r.payload.data.consentId)).toEqual([weiConsent.toLowerCase()]);
    for (const r of accepted()) expect(verify(r)).toMatchObject({ valid: true });
    expect(new Set(accepted().map((r) => r.payload.id)).size).toBe(accepted().length);
    const mine = await agency.getAgencyWebhooks();
    expect(mine.deliveries.filter((d) => d.event === "life-event").map((d) => [d.state, d.attempts > 1])).toEqual([["delivered", true]]);
  });

  it("regression: a delivery resumed after its access record was written (crash before it was marked delivered) logs the record once", async () => {
    const job = (await jobsOf(wei)).find((j) => j.rule === "folic-acid-supply")!;
    // As if the node had died between appending the record and saving the job as delivered.
    await node.services.store.save({ ...job, state: "delivering", logFrom: job.receipt!.seq - 1, receipt: undefined, deliveredAt: undefined });
    const again = await waitFor(async () => (await node.services.store.job(job.id))!, (j) => j.state === "delivered", "the resumed delivery");
    expect(again.receipt).toEqual(job.receipt);
    expect((await allRecords()).filter((r) => r.requestHash === job.id && r.reason === "SERVICE_DELIVERED").length).toBe(1);
  });

  it("the agency's webhook receives her revocation, signed by the gateway; its acknowledgement shows in her view", async () => {
    const revoked = await changeConsent("revoke", { dataDir, key: wei.key, consentId: weiConsent, yes: true });
    const revokedAt = Date.now();
    const [notice] = await waitFor(async () => accepted().filter((r) => r.payload.event === "consent.revoked"), (l) => l.length === 1, "the revocation webhook");
    // Figure for docs/webhooks.md (not an assertion): revocation confirmed on chain -> agency's endpoint.
    console.log(`webhook latency: revocation confirmed (block ${revoked.blockNumber}) -> endpoint in ${notice.at - revokedAt} ms`);
    expect(notice.payload.data).toMatchObject({ consentId: weiConsent.toLowerCase(), citizen: wei.citizen!.toLowerCase(), asks: "delete-cached-data" });
    expect(notice.payload.ackRequested).toBe(true);
    expect(verify(notice)).toMatchObject({ valid: true, event: "consent.revoked" });
    // A changed body, another agency or an old delivery do not verify.
    expect(verify({ ...notice, body: notice.body.replace("delete-cached-data", "keep-cached-data") })).toEqual({ valid: false, reason: "badSignature" });
    expect(verifyDelivery({ chainId: node.info.chainId, gateway: node.info.gateway as Hex, agency: node.info.governor as Hex, headers: notice.headers, body: notice.body })).toEqual({ valid: false, reason: "badSignature" });
    expect(verifyDelivery({ chainId: node.info.chainId, gateway: node.info.gateway as Hex, agency: agencyAddress, headers: notice.headers, body: notice.body, now: Math.floor(Date.now() / 1000) + 3600 })).toEqual({ valid: false, reason: "stale" });

    const gw = await citizenClient(dataDir, node, wei);
    const before = await againOnReset(() => gw.getCitizenDataRequests());
    expect(before.notices.map((n) => [n.event, n.state, n.agency.toLowerCase()])).toEqual([["consent.revoked", "delivered", agencyAddress.toLowerCase()]]);
    const ack = await agency.acknowledgeDelivery({ id: notice.payload.id });
    expect(ack.state).toBe("acknowledged");
    const after = await againOnReset(() => gw.getCitizenDataRequests());
    expect(after.notices.map((n) => [n.state, typeof n.acknowledgedAt])).toEqual([["acknowledged", "number"]]);
    // Bad input changes nothing: an unknown delivery, and a delivery that asks for no acknowledgement.
    await expect(agency.acknowledgeDelivery({ id: `0x${"ab".repeat(32)}` })).rejects.toMatchObject({ code: "DELIVERY_NOT_FOUND" });
    const life = accepted().find((r) => r.payload.event === "life-event")!;
    await expect(agency.acknowledgeDelivery({ id: life.payload.id })).rejects.toMatchObject({ code: "DELIVERY_NOT_ACKNOWLEDGEABLE" });
  });

  it("a consent paused, resumed and left to run out reaches the agency as it happens; the expiry asks it to delete, as a revocation does", async () => {
    // Fang gives the benefits office a short consent: 25 s, long enough to pause and resume it first.
    const { consentId } = await grantConsent({ dataDir, key: fang.key, agency: agencyAddress, scopes: "address", purpose: "social-benefits", for: "25s", yes: true });
    await changeConsent("pause", { dataDir, key: fang.key, consentId, yes: true });
    await changeConsent("resume", { dataDir, key: fang.key, consentId, yes: true });
    // In the order the changes were made (two deliveries sent in one pass may arrive either way round).
    const at = (r: { payload: WebhookPayload }) => (r.payload.data.block as number | undefined) ?? Number.MAX_SAFE_INTEGER;
    const about = () => accepted().filter((r) => r.payload.data.consentId === consentId.toLowerCase()).sort((a, b) => at(a) - at(b));
    const events = await waitFor(async () => about().map((r) => r.payload.event), (e) => e.includes("consent.expired"), "the expiry webhook", 120_000);
    expect(events).toEqual(["consent.granted", "consent.paused", "consent.resumed", "consent.expired"]);
    const expired = about().find((r) => r.payload.event === "consent.expired")!;
    expect(expired.payload).toMatchObject({ ackRequested: true, data: { asks: "delete-cached-data", citizen: fang.citizen!.toLowerCase() } });
    const view = await againOnReset(async () => (await citizenClient(dataDir, node, fang)).getCitizenDataRequests());
    expect(view.notices.map((n) => [n.event, n.state])).toEqual([["consent.expired", "delivered"]]);
  });

  it("her deletion request reaches the agency the same way, is tracked, and shows the answer; an agency that holds nothing of hers is refused", async () => {
    refusing = true; // the first attempt fails: the request waits in the outbox and is retried
    const gw = await citizenClient(dataDir, node, wei);
    const sent = await againOnReset(() => gw.sendDataRequest({ agency: agencyAddress, kind: "deletion", categories: ["address"], details: "Please delete my address; I revoked my consent." }));
    expect(sent).toMatchObject({ state: "sent", kind: "deletion" });
    await waitFor(async () => received.filter((r) => r.status === 503 && r.body.includes(sent.id)), (l) => l.length >= 1, "a refused attempt");
    refusing = false;
    const [delivered] = await waitFor(async () => accepted().filter((r) => r.payload.event === "data-request"), (l) => l.length === 1, "the request webhook");
    expect(delivered.payload.data).toMatchObject({ request: sent.id, kind: "deletion", citizen: wei.citizen!.toLowerCase() });
    const tracked = await waitFor(() => againOnReset(() => gw.getCitizenDataRequests()), (v) => v.requests[0]?.deliveries[0]?.state === "delivered", "the tracked delivery");
    expect(tracked.requests.map((r) => r.state)).toEqual(["sent"]);

    const inbox = await agency.getAgencyDataRequests();
    expect(inbox.requests.map((r) => r.id)).toEqual([sent.id]);
    await agency.answerDataRequest({ id: sent.id, outcome: "done", note: "Address deleted from the benefits file." });
    const answered = await againOnReset(() => gw.getCitizenDataRequests());
    expect(answered.requests[0]).toMatchObject({ state: "answered", answer: { outcome: "done", note: "Address deleted from the benefits file." } });
    await expect(agency.answerDataRequest({ id: sent.id, outcome: "refused", note: "no" })).rejects.toMatchObject({ code: "REQUEST_ANSWERED" });

    // Min never granted the benefits office anything: her request is refused and nothing is stored.
    const minGw = await citizenClient(dataDir, node, min);
    await expect(minGw.sendDataRequest({ agency: agencyAddress, kind: "correction", details: "wrong address" })).rejects.toMatchObject({ code: "REQUEST_NO_RELATION" });
    expect((await againOnReset(() => minGw.getCitizenDataRequests())).requests).toEqual([]);
    // Only an agency's session registers endpoints; a citizen's is refused and nothing is registered.
    await expect(minGw.registerWebhook({ url: hookUrl, events: ["consent.revoked"] })).rejects.toMatchObject({ code: "WRONG_ROLE" });
    expect((await agency.getAgencyWebhooks()).subscriptions.length).toBe(1);
    // A plain-http endpoint off this machine is refused.
    await expect(agency.registerWebhook({ url: "http://agency.example/hook", events: ["consent.revoked"] })).rejects.toMatchObject({ code: "WEBHOOK_URL_INVALID" });
  });
});
