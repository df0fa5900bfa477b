// Life-event services on a real node: the civil affairs issuer anchors a marriage; the spouses who
// granted the standing consent receive their vouchers (anchored on chain, logged, in their list);
// a person without it gets offers, and the services once she grants it; a restart and a replay of
// every event deliver nothing twice; a citizen declines a voucher and it is revoked on chain.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Level } from "level";
import { join } from "node:path";
import { createImiClient, type Hex } from "@imi-ledger/sdk";
import type { ImiNode } from "../../../node/runtime/startNode.js";
import type { ServiceJob } from "../../../node/services/ServicesStore.js";
import type { AccessRecord } from "../../../node/accesslog/index.js";
import { grantRole } from "../../../cli/commands/roles/grant.js";
import { revokeRole } from "../../../cli/commands/roles/revoke.js";
import { againOnReset, anchorMarriage, citizenClient, grantStanding, makeDataDir, register, removeDir, setUpDistrict, startNodeIn, statesOf, waitFor, type Person } from "./helpers.js";

const MARRIAGE_RULES = ["premarital-check-voucher", "prenatal-check-voucher", "folic-acid-supply"];

describe("life-event services (免申即享): a marriage", { timeout: 600_000 }, () => {
  let dataDir: string;
  let node: ImiNode;
  let marriageSchema: Hex;
  const wei: Person = { key: "wei", name: "Zhang Wei", idNumber: "110108199503070011", birthDate: "1995-03-07", district: "Haidian" };
  const min: Person = { key: "min", name: "Liu Min", idNumber: "110108199611120022", birthDate: "1996-11-12", district: "Haidian" };
  const fang: Person = { key: "fang", name: "Chen Fang", idNumber: "110108199001010048", birthDate: "1990-01-01", district: "Haidian" };
  const jobsOf = (p: Person) => node.services.store.all({ citizen: p.citizen! });
  const allSettled = (jobs: ServiceJob[], n: number) => jobs.length === n && jobs.every((j) => !["pending", "delivering", "failed"].includes(j.state));

  beforeAll(async () => {
    dataDir = await makeDataDir();
    node = await startNodeIn(dataDir);
    ({ marriageSchema } = await setUpDistrict(dataDir));
    for (const p of [wei, min, fang]) await register(dataDir, p);
    await grantStanding(dataDir, wei);
    await grantStanding(dataDir, min);
  }, 600_000);
  afterAll(async () => {
    await node?.close();
    await removeDir(dataDir);
  });

  it("spouses with the standing consent receive the vouchers; the person without it is offered them; every check and delivery is logged", async () => {
    const anchoredAt = Date.now();
    await anchorMarriage(dataDir, marriageSchema, [wei, min, fang]);
    const weiJobs = await waitFor(() => jobsOf(wei), (j) => allSettled(j, 3), "wei's services");
    const minJobs = await waitFor(() => jobsOf(min), (j) => allSettled(j, 3), "min's services");
    const fangJobs = await waitFor(() => jobsOf(fang), (j) => allSettled(j, 3), "fang's offers");
    // Figure for the closing note (not an assertion): event anchored -> voucher in the list.
    console.log(`delivery latency: marriage anchored -> 6 deliveries settled in ${Date.now() - anchoredAt} ms`);
    for (const jobs of [weiJobs, minJobs]) expect(statesOf(jobs)).toEqual(Object.fromEntries(MARRIAGE_RULES.map((r) => [r, "delivered"])));
    expect(statesOf(fangJobs)).toEqual(Object.fromEntries(MARRIAGE_RULES.map((r) => [r, "offered"])));
    expect(fangJobs.every((j) => j.reason === "UNKNOWN_GRANT" && j.delivered === undefined)).toBe(true);

    // The vouchers are credentials on chain, issued by the services account to each spouse.
    const reader = createImiClient({ rpc: node.info.rpcUrl, deployment: node.manifest });
    for (const job of [...weiJobs, ...minJobs].filter((j) => j.delivered?.kind === "credential")) {
      const c = await reader.credentials.get({ credentialHash: (job.delivered as { credentialHash: Hex }).credentialHash });
      expect({ status: c.status, subject: c.subject.toLowerCase(), issuer: c.issuer.toLowerCase() }).toEqual({ status: 1n, subject: job.citizen, issuer: node.services.engine!.address });
    }
    // A payment-free registration step carries its reference; the prenatal voucher needed "20 or older" (yes for both).
    const prenatal = weiJobs.find((j) => j.rule === "prenatal-check-voucher")!;
    expect(prenatal.checks.map((c) => [c.predicate.type, c.result, c.code])).toEqual([["residentOf", true, "ALLOWED"], ["ageAtLeast", true, "ALLOWED"]]);

    // Each eligibility question and each delivery is an access record of the citizen's.
    const records: Array<AccessRecord | undefined> = [];
    for (let seq = 1; seq <= node.gateway.accessLog.lastSeq(); seq++) records.push(await node.gateway.accessLog.get(seq));
    const services = node.services.engine!.address;
    const of = (p: Person, kind: string) => records.filter((r) => r && r.citizen === p.citizen && r.agency.toLowerCase() === services && r.kind === kind);
    expect(of(wei, "predicate").filter((r) => r!.decision === "allowed").length).toBe(4);
    expect(of(wei, "service").map((r) => r!.reason)).toEqual(["SERVICE_DELIVERED", "SERVICE_DELIVERED", "SERVICE_DELIVERED"]);
    expect(of(fang, "predicate").map((r) => [r!.decision, r!.reason])).toEqual(MARRIAGE_RULES.map(() => ["denied", "UNKNOWN_GRANT"]));
    expect(of(fang, "service")).toEqual([]);

    // The citizen's own view through the gateway: "you received ...", with the voucher to hold.
    const gw = await citizenClient(dataDir, node, wei);
    const view = await againOnReset(() => gw.getCitizenServices());
    expect(view.services.map((s) => [s.rule, s.state])).toEqual(expect.arrayContaining(MARRIAGE_RULES.map((r) => [r, "delivered"])));
    const voucher = view.services.find((s) => s.rule === "prenatal-check-voucher")!;
    expect(voucher.name).toEqual({ "zh-CN": "免费孕前优生健康检查券", en: "Free prenatal check voucher" });
    expect((voucher.credential as { credentialHash: string }).credentialHash).toBe(voucher.delivery.credentialHash);
    // Another citizen's list does not show it.
    const fangGw = await citizenClient(dataDir, node, fang);
    const fangView = await againOnReset(() => fangGw.getCitizenServices());
    expect(fangView.services.every((s) => s.state === "offered" && s.credential === undefined)).toBe(true);
  });

  it("an offer becomes a delivery once the citizen grants the standing consent", async () => {
    await grantStanding(dataDir, fang);
    const jobs = await waitFor(() => jobsOf(fang), (j) => j.every((x) => x.state === "delivered"), "fang's deliveries after consent");
    expect(jobs.length).toBe(3);
  });

  it("a restart and a replay of every life event deliver nothing twice", async () => {
    const before = (await node.services.store.all()).map((j) => [j.id, j.state, j.delivered && JSON.stringify(j.delivered)]);
    const lastSeq = node.gateway.accessLog.lastSeq();
    await node.close();
    // Replay: the cursor goes back before the first block, so every marriage is read again.
    const db = new Level<string, string>(join(dataDir, "services"), { valueEncoding: "utf8" });
    await db.put("m:cursor", "0", { sync: true });
    await db.close();
    node = await startNodeIn(dataDir);
    await waitFor(() => node.services.store.cursor(), (c) => (c ?? 0) > 0, "the services to read the chain again");
    // One more marriage afterwards shows the loop passed the replayed blocks.
    const later: Person = { key: "later", name: "Sun Li", idNumber: "110108199202020036", birthDate: "1992-02-02", district: "Haidian" };
    await register(dataDir, later);
    await grantStanding(dataDir, later);
    await anchorMarriage(dataDir, marriageSchema, [later]);
    await waitFor(() => jobsOf(later), (j) => allSettled(j, 3), "the later marriage");
    const after = (await node.services.store.all()).filter((j) => j.citizen !== later.citizen).map((j) => [j.id, j.state, j.delivered && JSON.stringify(j.delivered)]);
    expect(after).toEqual(before);
    const records: Array<AccessRecord | undefined> = [];
    for (let seq = lastSeq + 1; seq <= node.gateway.accessLog.lastSeq(); seq++) records.push(await node.gateway.accessLog.get(seq));
    expect(records.filter((r) => r?.kind === "service" && r.citizen !== later.citizen)).toEqual([]);
  });

  it("a delivery that fails (the services account lost its issuer role) is visible with its error and attempts, and is retried until it succeeds", async () => {
    const services = node.services.engine!.address;
    await revokeRole({ dataDir, role: "issuer", account: services, keepAllowlisted: true });
    const bride: Person = { key: "bride", name: "Zhou Xin", idNumber: "110108199707070057", birthDate: "1997-07-07", district: "Haidian" };
    await register(dataDir, bride);
    await grantStanding(dataDir, bride);
    await anchorMarriage(dataDir, marriageSchema, [bride]);
    // The registration step needs no issuer role and is delivered; the two vouchers cannot be anchored.
    const failing = await waitFor(() => jobsOf(bride), (j) => j.length === 3 && j.filter((x) => x.plan.kind === "credential").every((x) => x.attempts >= 2 && x.state === "failed"), "the vouchers to fail twice");
    const voucherJob = failing.find((j) => j.rule === "prenatal-check-voucher")!;
    expect(voucherJob.lastError?.code).toBe("AccessManagedUnauthorized");
    expect(failing.find((j) => j.rule === "folic-acid-supply")!.state).toBe("delivered");
    const gw = await citizenClient(dataDir, node, bride);
    const seen = (await againOnReset(() => gw.getCitizenServices())).services.find((s) => s.rule === "prenatal-check-voucher")!;
    expect(seen).toMatchObject({ state: "failed", lastError: { code: "AccessManagedUnauthorized" } });
    expect(seen.attempts).toBeGreaterThanOrEqual(2);

    await grantRole({ dataDir, role: "issuer", account: services });
    const done = await waitFor(() => jobsOf(bride), (j) => j.every((x) => x.state === "delivered"), "the retried vouchers");
    const prepared = voucherJob.delivered as { credentialHash: string };
    // The retry anchored the credential prepared before the failures, not a new one.
    expect((done.find((j) => j.rule === "prenatal-check-voucher")!.delivered as { credentialHash: string }).credentialHash).toBe(prepared.credentialHash);
  });

  it("a citizen declines a voucher: it is revoked on chain and the decline is logged", async () => {
    const gw = await citizenClient(dataDir, node, min);
    const voucher = (await againOnReset(() => gw.getCitizenServices())).services.find((s) => s.rule === "premarital-check-voucher")!;
    const declined = await gw.declineService({ id: voucher.id });
    expect(declined.state).toBe("declined");
    const reader = createImiClient({ rpc: node.info.rpcUrl, deployment: node.manifest });
    expect((await reader.credentials.get({ credentialHash: voucher.delivery.credentialHash! })).status).toBe(3n);
    // Declining again changes nothing; another citizen cannot decline it; a registration in progress is refused by code.
    expect((await gw.declineService({ id: voucher.id })).state).toBe("declined");
    const other = await citizenClient(dataDir, node, wei);
    await expect(other.declineService({ id: voucher.id })).rejects.toMatchObject({ status: 404, code: "SERVICE_NOT_FOUND" });
    await expect(gw.acceptService({ id: voucher.id })).rejects.toMatchObject({ status: 409, code: "SERVICE_NOT_OFFERED" });
  });
});
