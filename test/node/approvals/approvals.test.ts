// One-door supervision on a real node: an officer of the market-regulation department records every
// step of a business-licence application (received, a node approved, an on-site inspection with the
// photographs' hashes, returned, resubmitted, approved, completed); each step is a record of kind
// "approval" in the access log, anchored with it. The applicant sees the steps; the auditor's view
// holds each step against the log and flags a node past its time limit; `imi audit verify` passes.
// The node also routes the birth category to a department system named in its imi.json.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayClient, GatewayError, privateKeyToAccount, type GatewayClient, type Hex } from "@imi-ledger/sdk";
import { loadConfig } from "../../../node/runtime/config.js";
import { openKeyRing } from "../../../node/runtime/keys.js";
import { startImiNode, type ImiNode } from "../../../node/runtime/startNode.js";
import { grantRole } from "../../../cli/commands/roles/grant.js";
import { registerCitizen } from "../../../cli/commands/registrar/register.js";
import { listApprovals } from "../../../cli/commands/approvals/approvals.js";
import { auditVerify } from "../../../cli/commands/auditVerify.js";
import { LevelVault, vaultHttpPlugin, type Vault } from "../../../node/vault/index.js";

const DAY = 24 * 3600;
const NODES = [
  { name: "acceptance", limitSeconds: DAY },
  { name: "site-inspection", limitSeconds: 3 * DAY },
  { name: "decision", limitSeconds: 2 * DAY },
];
const photo = (text: string) => `0x${createHash("sha256").update(text).digest("hex")}` as Hex;

async function refusal(work: Promise<unknown>): Promise<{ code?: string; status?: number }> {
  const e = await work.then(() => undefined, (error: unknown) => error);
  expect(e).toBeInstanceOf(GatewayError);
  return { code: (e as GatewayError).gatewayCode, status: (e as GatewayError).status };
}

describe("approval steps on the record", () => {
  let dataDir: string;
  let node: ImiNode;
  let officer: GatewayClient;
  let citizen: Hex;
  let citizenKey: Hex;
  // The same node keeps birth records at the civil-affairs department's system, as imi.json says.
  let civil: { app: FastifyInstance; store: Vault };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "imi-approvals-"));
    const token = randomBytes(32).toString("hex");
    const store = await LevelVault.open({ dir: join(dataDir, "civil-affairs-system"), masterKey: new Uint8Array(randomBytes(32)) });
    const app = Fastify({ logger: false });
    await app.register(vaultHttpPlugin, { vault: store, token });
    civil = { app, store };
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    await writeFile(join(dataDir, "imi.json"), JSON.stringify({ departments: [{ name: "civil-affairs", url, token, categories: ["birth"], account: privateKeyToAccount(`0x${"42".repeat(32)}`).address }] }));
    const config = await loadConfig({ flags: { dataDir, chain: { port: 0 }, gateway: { port: 0 }, anchoring: { intervalMs: 200 }, logLevel: "silent" }, env: {} });
    node = await startImiNode(config, { env: {}, logger: pino({ level: "silent" }) });
    const ring = await openKeyRing(dataDir);
    for (const [role, key] of [["registrar", "registrar"], ["department", "market-officer"], ["auditor", "auditor"]] as const) await grantRole({ dataDir, role, account: await ring.address(key) });
    citizenKey = (await ring.privateKey("zhang-wei")) as Hex;
    ({ citizen } = await registerCitizen({ dataDir, key: "registrar", controller: await ring.address("zhang-wei"), name: "Zhang Wei", idNumber: "110101199003071234", birthDate: "1990-03-07", district: "Haidian" }));
    officer = createGatewayClient({ url: node.gateway.url });
    await officer.loginStaff({ signer: privateKeyToAccount((await ring.privateKey("market-officer")) as Hex) });
  });
  afterAll(async () => {
    await node?.close();
    await civil?.app.close();
    await civil?.store.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  let id: Hex;
  let stalled: Hex;

  it("imi.json's departments route a category to its owner: the registration's birth date went to civil affairs, not to the gateway's vault", async () => {
    expect(await civil.store.get(citizen)).toEqual({ birth: { birthDate: "1990-03-07" } });
    const gatewayVault = node.gateway.vault;
    expect(await gatewayVault.get(citizen, ["birth"])).toEqual({ birth: { birthDate: "1990-03-07" } });
    expect(Object.keys((await gatewayVault.get(citizen)) ?? {}).sort()).toEqual(["address", "birth", "identity"].sort());
  });

  it("records each step by which officer and when, into the access log as kind approval, each chained to the one before", async () => {
    const received = await officer.receiveApplication({ applicant: citizen, service: "business-licence", nodes: NODES });
    id = received.id as Hex;
    expect(received.nodes.map((n) => n.status)).toEqual(["open", "waiting", "waiting"]);
    await officer.recordApprovalStep({ id, kind: "approved", node: "acceptance" });
    const inspectedAt = Date.now() - 3_600_000;
    await officer.recordApprovalStep({ id, kind: "inspected", inspection: { inspectedAt, place: "Shop 3, 1 Example Road, Haidian", photos: [photo("front"), photo("kitchen")] } });
    await officer.recordApprovalStep({ id, kind: "returned", node: "site-inspection", note: "fire exit blocked" });
    await officer.recordApprovalStep({ id, kind: "received", note: "resubmitted with the exit cleared" });
    await officer.recordApprovalStep({ id, kind: "approved", node: "site-inspection" });
    await officer.recordApprovalStep({ id, kind: "approved", node: "decision" });
    const done = await officer.recordApprovalStep({ id, kind: "completed" });
    expect(done.state).toBe("completed");
    expect(done.steps.map((s) => s.kind)).toEqual(["received", "approved", "inspected", "returned", "received", "approved", "approved", "completed"]);
    expect(done.steps[2].inspection).toEqual({ inspectedAt, place: "Shop 3, 1 Example Road, Haidian", photos: [photo("front"), photo("kitchen")] });

    const officerAddress = (await (await openKeyRing(dataDir)).address("market-officer")).toLowerCase();
    let previous = "0x" + "0".repeat(64);
    for (const step of done.steps) {
      const record = await node.gateway.accessLog.get(step.receipt!.seq);
      expect(record).toMatchObject({ kind: "approval", citizen: citizen.toLowerCase(), grantId: id.toLowerCase(), requestHash: step.detailsHash, responseHash: previous, time: step.at });
      expect(record!.agency.toLowerCase()).toBe(officerAddress);
      expect(record!.decision).toBe(step.kind === "returned" ? "denied" : "allowed");
      previous = record!.recordHash;
    }
    expect((await node.gateway.accessLog.get(done.steps[3].receipt!.seq))!.reason).toBe("NODE_RETURNED");
  });

  it("refuses steps out of order with a code and records nothing; only department officers record steps", async () => {
    const other = await officer.receiveApplication({ applicant: citizen, service: "food-permit", nodes: NODES.slice(0, 2) });
    stalled = other.id as Hex;
    const before = node.gateway.accessLog.lastSeq();
    expect(await refusal(officer.recordApprovalStep({ id: stalled, kind: "completed" }))).toEqual({ code: "INVALID_STEP", status: 409 });
    expect(await refusal(officer.recordApprovalStep({ id: stalled, kind: "approved", node: "site-inspection" }))).toEqual({ code: "WRONG_NODE", status: 409 });
    expect(await refusal(officer.recordApprovalStep({ id, kind: "approved" }))).toEqual({ code: "APPLICATION_CLOSED", status: 409 });
    expect(await refusal(officer.recordApprovalStep({ id: `0x${"ab".repeat(32)}`, kind: "approved" }))).toEqual({ code: "APPLICATION_NOT_FOUND", status: 404 });
    expect(node.gateway.accessLog.lastSeq()).toBe(before);
    const auditor = createGatewayClient({ url: node.gateway.url });
    await auditor.loginStaff({ signer: privateKeyToAccount((await (await openKeyRing(dataDir)).privateKey("auditor")) as Hex) });
    expect(await refusal(auditor.recordApprovalStep({ id: stalled, kind: "approved" }))).toEqual({ code: "ROLE_NOT_HELD", status: 403 });
  });

  it("the applicant sees every step of their applications", async () => {
    const me = createGatewayClient({ url: node.gateway.url });
    await me.loginCitizen({ signer: privateKeyToAccount(citizenKey), citizen });
    const mine = await me.getCitizenApprovals();
    expect(mine.applications.map((a) => a.id).sort()).toEqual([id, stalled].map((x) => x.toLowerCase()).sort());
    const licence = mine.applications.find((a) => a.id === id.toLowerCase())!;
    expect(licence.steps).toHaveLength(8);
    expect(licence.steps[3]).toMatchObject({ kind: "returned", node: "site-inspection", note: "fire exit blocked" });
  });

  it("the auditor's view flags a node past its time limit and holds each step against the log; a step altered after the fact does not verify", async () => {
    const now = Math.floor(Date.now() / 1000);
    const today = await listApprovals({ dataDir, key: "auditor" });
    expect(today.applications).toHaveLength(2);
    expect(today.applications.every((a) => a.verified)).toBe(true);
    expect(today.overdueCount).toBe(0);
    // Two days on, the stalled application's open acceptance node (one day) is past its limit.
    const later = await listApprovals({ dataDir, key: "auditor", overdue: true, at: String(now + 2 * DAY) });
    expect(later.applications.map((a) => [a.id, a.overdueNodes])).toEqual([[stalled.toLowerCase(), ["acceptance"]]]);
    expect(later.applications[0].nodes[0]).toMatchObject({ name: "acceptance", status: "open", overdue: true });

    const book = node.gateway.app.imi.options.approvals!;
    const stored = (await book.get(id))!;
    expect(await book.verify(stored)).toEqual({ ok: true, problems: [] });
    const altered = structuredClone(stored);
    altered.steps[2].inspection!.place = "somewhere else";
    expect((await book.verify(altered)).problems).toEqual(["step 2 (inspected): details differ from what was logged"]);
    const reordered = structuredClone(stored);
    reordered.steps[3].officer = "0x" + "11".repeat(20);
    expect((await book.verify(reordered)).ok).toBe(false);
    // A step in the log whose details are gone from the store is reported from the log's side.
    const truncated = structuredClone(stored);
    const lost = truncated.steps.pop()!;
    expect((await book.verify(truncated)).problems).toEqual([`record #${lost.receipt!.seq} (APPLICATION_COMPLETED): logged, but its details are not stored`]);
  });

  it("the steps are anchored like accesses: imi approvals overdue --json and imi audit verify pass over them", async () => {
    const last = node.gateway.accessLog.lastSeq();
    for (let i = 0; i < 600 && node.anchorer.status().lastAnchoredSeq < last; i++) await new Promise((r) => setTimeout(r, 100));
    expect(node.anchorer.status().lastAnchoredSeq).toBeGreaterThanOrEqual(last);
    const report = await auditVerify({ dataDir, graceSeconds: 600 });
    expect(report.ok).toBe(true);
    expect(report.recordsChecked).toBeGreaterThanOrEqual(last);

    const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", "approvals", "overdue", "--data-dir", dataDir, "--key", "auditor", "--at", String(Math.floor(Date.now() / 1000) + 2 * DAY)], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { applications: Array<{ id: string; overdueNodes: string[]; verified: boolean }>; overdueCount: number };
    expect(out.overdueCount).toBe(1);
    expect(out.applications[0]).toMatchObject({ id: stalled.toLowerCase(), overdueNodes: ["acceptance"], verified: true });
  });
});
