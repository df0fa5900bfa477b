// The bulk path of `imi registrar import` (docs/scale.md): rows go out in registerBatch
// transactions of --batch rows, several in flight. A batch the chain would refuse is taken apart so
// each bad row is reported on its own and the rest of its batch still goes in; a run killed midway
// and started again registers every row exactly once.
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { id as eventId, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../cli/CliError.js";
import { grantRole } from "../../cli/commands/roles/grant.js";
import { imi, startTestNode, type TestNode } from "./harness.js";

type ImportJson = {
  ok: boolean;
  error?: { code: string };
  total: number;
  registered: Array<{ row: number; citizen: string; controller: string; blockNumber: number }>;
  alreadyRegistered: Array<{ row: number; citizen: string; controller: string }>;
  rejected: Array<{ row: number; code: string; reason: string }>;
  rejectsFile?: string;
  batches: number;
};

const REGISTERED = eventId("IdentityRegistered(bytes32,address,address,bytes32,uint8)");

function citizenLine(line: number, controller = Wallet.createRandom().address): string {
  return `${controller},Citizen ${line},ID${line},19${String((line % 90) + 10)}-0${(line % 9) + 1}-1${line % 9},Haidian,2`;
}

describe("imi registrar import, bulk path", () => {
  let t: TestNode;
  let d: string[];
  let registrar: string;
  const rpc = <T = string>(method: string, params: unknown[]) =>
    fetch(t.node.info.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) }).then(async (r) => ((await r.json()) as { result: T }).result);
  /** IdentityRegistered events on chain, by controller. */
  const registeredOnChain = async () => {
    const logs = await rpc<Array<{ topics: string[] }>>("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest", address: t.node.manifest.contracts.identityRegistry, topics: [REGISTERED] }]);
    const byKey = new Map<string, number>();
    for (const log of logs) {
      const key = `0x${log.topics[2]!.slice(26)}`.toLowerCase();
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
    }
    return byKey;
  };

  beforeAll(async () => {
    t = await startTestNode();
    d = ["--data-dir", t.dataDir, "--key", "registrar-1", "--no-progress"];
    registrar = await t.node.keys.address("registrar-1");
    await grantRole({ dataDir: t.dataDir, role: "registrar", account: registrar });
  });
  afterAll(async () => t?.close());

  it("a row the chain refuses inside a batch is rejected alone; the rest of its batch and the file are registered, indexed and in the vault", { timeout: 600_000 }, async () => {
    // A key that controls an identity already, named in the file with another citizen id: the
    // batch holding it would revert on chain as a whole.
    const taken = Wallet.createRandom().address;
    const seed = join(t.dataDir, "seed.csv");
    await writeFile(seed, `controller,name\n${taken},Already Here\n`);
    expect((await imi(["--json", "registrar", "import", seed, ...d])).code).toBe(EXIT.ok);

    const rows = 95;
    const lines = ["controller,name,id_number,birth_date,district,level,citizen"];
    const duplicate = Wallet.createRandom().address;
    for (let line = 2; lines.length <= rows; line++) {
      if (line === 30) lines.push(`${taken},Taken Key,,1980-01-01,Haidian,2,0x${"ab".repeat(32)}`);
      else if (line === 41) lines.push(`${citizenLine(line, duplicate)},`);
      else if (line === 57) lines.push(`${citizenLine(line, duplicate)},`);
      else lines.push(`${citizenLine(line)},`);
    }
    const csv = join(t.dataDir, "bulk.csv");
    await writeFile(csv, `${lines.join("\n")}\n`);

    const run = await imi(["--json", "registrar", "import", csv, "--batch", "20", "--in-flight", "3", ...d]);
    const out = run.json() as unknown as ImportJson;
    expect({ code: run.code, error: out.error?.code }).toEqual({ code: EXIT.partial, error: "ROWS_REJECTED" });
    expect(out.rejected.map((r) => [r.row, r.code])).toEqual([
      [30, "KEY_IN_USE"],
      [57, "DUPLICATE_CONTROLLER"],
    ]);
    expect(out.registered).toHaveLength(rows - 2);
    expect(out.registered.map((r) => r.row)).toEqual([...Array(rows).keys()].map((i) => i + 2).filter((l) => l !== 30 && l !== 57));
    // Far fewer transactions than rows: 5 full batches, and the one holding the bad row resent without it.
    expect(out.batches).toBeLessThan(12);
    expect(await readFile(out.rejectsFile!, "utf8")).toContain("30,KEY_IN_USE");

    // Indexed (the gateway answered only after its index had the block) and in the vault.
    const { indexer, vault } = t.node.gateway;
    for (const r of out.registered) {
      expect(indexer.identity(r.citizen)?.controller.toLowerCase()).toBe(r.controller.toLowerCase());
      expect((await vault.get(r.citizen, ["identity"]))?.identity?.name).toBe(`Citizen ${r.row}`);
    }
    expect(await vault.get(`0x${"ab".repeat(32)}`)).toBeUndefined();
    expect(await rpc("eth_getTransactionCount", [registrar, "pending"])).toBe(await rpc("eth_getTransactionCount", [registrar, "latest"]));

    // Again: nothing new, each good row already registered under the citizen it got the first time.
    const again = await imi(["--json", "registrar", "import", csv, "--batch", "20", ...d]);
    const second = again.json() as unknown as ImportJson;
    expect(second.registered).toEqual([]);
    expect(second.alreadyRegistered.map((r) => r.citizen)).toEqual(out.registered.map((r) => r.citizen));
    expect(second.rejected.map((r) => r.row)).toEqual([30, 57]);
  });

  it("killed midway and run again: every row registered exactly once, the rest picked up", { timeout: 900_000 }, async () => {
    const rows = 400;
    const lines = ["controller,name,id_number,birth_date,district,level"];
    for (let line = 2; lines.length <= rows; line++) lines.push(citizenLine(line));
    const csv = join(t.dataDir, "crash.csv");
    await writeFile(csv, `${lines.join("\n")}\n`);
    const keys = lines.slice(1).map((l) => l.split(",")[0]!.toLowerCase());
    const before = Number(BigInt(await rpc("eth_getTransactionCount", [registrar, "latest"])));

    // kill -9 once the first batches are in blocks and others are on their way.
    const bin = fileURLToPath(new URL("../../cli/bin/imi.js", import.meta.url));
    const child = spawn(process.execPath, [bin, "--json", "registrar", "import", csv, "--batch", "25", "--in-flight", "4", ...d], { stdio: "ignore" });
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    let killedEarly = false;
    for (;;) {
      const mined = Number(BigInt(await rpc("eth_getTransactionCount", [registrar, "latest"])));
      if (mined - before >= 2) {
        killedEarly = child.kill("SIGKILL");
        break;
      }
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await exited;
    const partial = await registeredOnChain();
    const landed = keys.filter((k) => partial.has(k)).length;
    expect(killedEarly).toBe(true);
    expect(landed).toBeGreaterThan(0);
    expect(landed).toBeLessThan(rows);

    // Whatever the killed run had sent may still be landing: the second run waits for nothing and
    // must still register each key once.
    const again = await imi(["--json", "registrar", "import", csv, "--batch", "25", ...d]);
    const out = again.json() as unknown as ImportJson;
    expect({ code: again.code, rejected: out.rejected }).toEqual({ code: EXIT.ok, rejected: [] });
    expect(out.registered.length + out.alreadyRegistered.length).toBe(rows);
    expect(out.alreadyRegistered.length).toBeGreaterThanOrEqual(landed);
    const after = await registeredOnChain();
    expect(keys.map((k) => after.get(k))).toEqual(keys.map(() => 1));
    expect(await rpc("eth_getTransactionCount", [registrar, "pending"])).toBe(await rpc("eth_getTransactionCount", [registrar, "latest"]));
  });
});
