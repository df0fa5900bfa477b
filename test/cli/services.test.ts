// `imi services`: the rule set and its validation, and a node killed (SIGKILL) in the middle of
// delivering life-event services: after the restart every service is delivered exactly once (one
// anchored voucher per person and service) and the CLI shows deliveries and offers, running or stopped.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { Interface } from "ethers";
import { createImiClient, credentialRegistryAbi, type Hex } from "@imi-ledger/sdk";
import { imi } from "./harness.js";
import { anchorMarriage, grantStanding, makeDataDir, register, removeDir, setUpDistrict, waitFor, type Person } from "../node/services/helpers.js";
import { DEFAULT_SERVICE_RULES } from "../../node/services/defaultRules.js";

const children: ChildProcess[] = [];
const dirs: string[] = [];

async function up(dataDir: string): Promise<{ summary: Record<string, unknown>; child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", "up", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0"], { stdio: ["ignore", "pipe", "ignore"] });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const summary = await new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => line.startsWith(`{"ok"`) && resolve(JSON.parse(line)));
    void exited.then((code) => reject(new Error(`imi up exited ${code}`)));
  });
  return { summary, child, exited };
}

type Listed = { ok: boolean; running: boolean; services: Array<{ id: string; rule: string; citizen: string; state: string; reason?: string; delivery: { credentialHash?: string } }>; counts: Record<string, number> };
const list = async (dataDir: string, ...args: string[]) => (await imi(["--json", "services", ...args, "--data-dir", dataDir])).json() as unknown as Listed;

describe("imi services", { timeout: 900_000 }, () => {
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    for (const dir of dirs) await removeDir(dir);
  });

  it("rules: the default set of 17 with their events; a bad rule file is a coded configuration error; a bad filter is a usage error", async () => {
    const dir = await mkdtemp(join(tmpdir(), "imi-services-cli-"));
    dirs.push(dir);
    const rules = await imi(["--json", "services", "rules", "--data-dir", dir]);
    expect(rules.code).toBe(0);
    const body = rules.json() as unknown as { count: number; purpose: string; rules: Array<{ id: string; event: { schema: string } }> };
    expect(body.count).toBe(17);
    expect(body.purpose).toBe("proactive-services");
    expect(new Set(body.rules.map((r) => r.event.schema))).toEqual(new Set(["marriage-registration", "birth-registration", "child-birth", "retirement", "age-threshold", "disability-certificate"]));

    const bad = { ...DEFAULT_SERVICE_RULES, rules: [{ ...DEFAULT_SERVICE_RULES.rules[1], eligibility: [] }] };
    await writeFile(join(dir, "services.json"), JSON.stringify(bad));
    const refused = await imi(["--json", "services", "rules", "--data-dir", dir]);
    expect(refused.code).toBe(3);
    expect(refused.json().error).toMatchObject({ code: "SERVICES_RULES_INVALID" });
    expect(refused.json().error?.message).toContain("rules[prenatal-check-voucher].eligibility");

    const usage = await imi(["--json", "services", "list", "--state", "sent", "--data-dir", dir]);
    expect(usage.code).toBe(2);
    expect(usage.json().error).toMatchObject({ code: "INVALID_STATE" });
  });

  it("a node killed while delivering delivers nothing twice after its restart; deliveries and offers show, running or stopped", async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    let node = await up(dataDir);
    const { marriageSchema } = await setUpDistrict(dataDir);
    const people: Person[] = [
      { key: "p1", name: "Zhao Lei", idNumber: "110108199101010011", birthDate: "1991-01-01", district: "Haidian" },
      { key: "p2", name: "Qian Yu", idNumber: "110108199202020022", birthDate: "1992-02-02", district: "Haidian" },
      { key: "p3", name: "Sun Hao", idNumber: "110108199303030033", birthDate: "1993-03-03", district: "Haidian" },
      { key: "p4", name: "Li Jing", idNumber: "110108199404040044", birthDate: "1994-04-04", district: "Haidian" },
    ];
    for (const p of people) await register(dataDir, p);
    for (const p of people.slice(0, 3)) await grantStanding(dataDir, p);
    await anchorMarriage(dataDir, marriageSchema, people);
    // Killed as soon as the first service is delivered: the others are pending, being checked or half-delivered.
    await waitFor(() => list(dataDir, "list"), (l) => (l.counts.delivered ?? 0) >= 1, "a first delivery");
    node.child.kill("SIGKILL");
    await node.exited;

    node = await up(dataDir);
    const settled = await waitFor(() => list(dataDir, "list"), (l) => l.services.length === 12 && (l.counts.delivered ?? 0) === 9 && (l.counts.offered ?? 0) === 3, "every service settled after the restart");
    expect(settled.running).toBe(true);

    // On chain: exactly one voucher per person and credential service, issued by the services account.
    const rpcUrl = String(node.summary.rpcUrl);
    const deployment = { chainId: Number(node.summary.chainId), contracts: node.summary.contracts as Record<string, Hex> };
    const reader = createImiClient({ rpc: rpcUrl, deployment });
    const registry = new Interface(credentialRegistryAbi as never);
    const logs = await reader.request<Array<{ topics: string[]; data: string }>>("eth_getLogs", [{ address: deployment.contracts.credentialRegistry, topics: [registry.getEvent("CredentialAnchored")!.topicHash], fromBlock: "0x0", toBlock: "latest" }]);
    const services = (await imi(["--json", "services", "rules", "--data-dir", dataDir])).json() as unknown as { account: string };
    const issued = logs.map((l) => registry.parseLog(l)!).filter((e) => String(e.args.issuer).toLowerCase() === services.account.toLowerCase());
    expect(issued.length).toBe(6);
    const delivered = settled.services.filter((s) => s.state === "delivered" && s.delivery.credentialHash);
    expect(new Set(issued.map((e) => String(e.args.credentialHash).toLowerCase()))).toEqual(new Set(delivered.map((s) => s.delivery.credentialHash!.toLowerCase())));

    const offers = await list(dataDir, "offers");
    expect(offers.services.map((s) => [s.citizen, s.reason])).toEqual([0, 1, 2].map(() => [people[3].citizen!.toLowerCase(), "UNKNOWN_GRANT"]));
    expect((await list(dataDir, "deliveries")).services.length).toBe(9);

    node.child.kill("SIGINT");
    expect(await node.exited).toBe(0);
    const stopped = await list(dataDir, "list");
    expect(stopped.running).toBe(false);
    expect(stopped.services.map((s) => [s.id, s.state])).toEqual(settled.services.map((s) => [s.id, s.state]));
  });
});
