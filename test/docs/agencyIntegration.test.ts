// Runs docs/agency-integration.md as written against a node started with `imi up`: the TypeScript
// blocks as one module (with "@imi-ledger/sdk" resolving to the source tree), then the shell blocks
// with bash and curl. The setup a governor, a registrar and a citizen do first goes through the
// `imi` commands of docs/cli.md, run in the test process (test/helpers/imi.ts).
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { openKeyRing } from "../../node/runtime/keys.js";
import { purposeCode } from "@imi-ledger/sdk";
import { imi as runImi } from "../helpers/imi.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const work = mkdtempSync(join(tmpdir(), "imi-agency-doc-"));
const dataDir = join(work, "node");
let stopNode: (() => Promise<unknown>) | undefined;
let env: Record<string, string> = {};

/** An `imi --json` command of docs/cli.md, run in this process; a non-zero exit fails the setup. */
async function imi(args: string[]): Promise<Record<string, unknown>> {
  const run = await runImi(["--json", ...args, "--data-dir", dataDir], { cwd: work, env: { IMI_KEYSTORE_PASSWORD: "a long citizen password" } });
  if (run.code !== 0) throw new Error(`imi ${args.join(" ")} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  return run.json();
}

beforeAll(async () => {
  const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", "up", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((r) => child.once("exit", r));
  stopNode = async () => (child.kill("SIGINT"), exited);
  const summary = await new Promise<Record<string, string | number>>((ok, fail) => {
    createInterface({ input: child.stdout }).on("line", (line) => line.startsWith(`{"ok"`) && ok(JSON.parse(line)));
    void exited.then(() => fail(new Error("imi up exited")));
  });
  // The setup of docs/cli.md: staff keys and roles, a registered citizen, and her consent.
  const agency = (await imi(["keys", "create", "--name", "agency"])).address as string;
  const registrar = (await imi(["keys", "create", "--name", "registrar"])).address as string;
  await imi(["roles", "grant", "agency", agency]);
  await imi(["roles", "grant", "registrar", registrar]);
  // Agencies ask only for what they registered (docs/cli.md, `imi agency register`).
  writeFileSync(
    join(work, "agency.json"),
    JSON.stringify({
      name: { "zh-CN": "区民政局", en: "District Civil Affairs Bureau" },
      contact: "12345",
      legalBasis: { "zh-CN": "《社会救助暂行办法》第十一条", en: "Interim Measures for Social Assistance, art. 11" },
      purposes: [{ id: "social-benefits", categories: ["identity", "birth", "address", "income"], name: { "zh-CN": "社会福利审核", en: "Social benefits assessment" } }],
    }),
  );
  await imi(["agency", "register", agency, "--file", "agency.json"]);
  const alice = (await imi(["keys", "create", "--out", "alice.json"])).address as string;
  const citizen = (await imi(["registrar", "register", "--key", "registrar", "--controller", alice, "--name", "Chan Tai Man", "--birth-date", "1950-02-03", "--district", "Haidian"])).citizen as string;
  await imi(["consent", "grant", "--keystore", "alice.json", "--agency", agency, "--scopes", "address,birth", "--purpose", "social-benefits", "--for", "30d", "--yes"]);
  env = {
    IMI_GATEWAY: String(summary.gatewayUrl),
    IMI_CHAIN_ID: String(summary.chainId),
    IMI_RPC_URL: String(summary.rpcUrl),
    IMI_AGENCY_KEY: await (await openKeyRing(dataDir, {})).privateKey("agency", { create: false }),
    CITIZEN: citizen,
    PURPOSE: purposeCode("social-benefits"),
  };
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
}, 180_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await stopNode?.();
});

function blocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
}

test("the TypeScript examples log in, read data and prove the access against the chain", async () => {
  const markdown = readFileSync(join(root, "docs", "agency-integration.md"), "utf8");
  const names = new Set<string>();
  const bodies = blocks(markdown, "ts").map((block) =>
    block.replace(/import\s*\{([^}]*)\}\s*from\s*"@?imi-ledger\/sdk";\n?/g, (_all, list: string) => {
      for (const name of list.split(",").map((n) => n.trim()).filter(Boolean)) names.add(name);
      return "";
    }),
  );
  const dir = join(here, ".examples");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "agencyIntegration.ts");
  writeFileSync(file, `import { ${[...names].join(", ")} } from "@imi-ledger/sdk";\n\nexport async function run(): Promise<void> {\n${bodies.join("\n")}\n}\n`);
  const logs: unknown[][] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logs.push(args));
  try {
    const { run } = await import(/* @vite-ignore */ file);
    await run();
  } finally {
    spy.mockRestore();
  }
  const byLabel = (label: string) => logs.find((l) => l[0] === label)!;
  expect(byLabel("token")[1]).toMatch(/.{20,}/);
  env.IMI_TOKEN = byLabel("token")[1] as string;
  expect(byLabel("data")[1]).toEqual({ address: { district: "Haidian" } });
  expect(byLabel("answer")[1]).toBe(true);
  expect(byLabel("proof")[1]).toMatchObject({ valid: true });
}, 60_000);

test("the curl examples read data, ask a predicate and fetch the proof", () => {
  const markdown = readFileSync(join(root, "docs", "agency-integration.md"), "utf8");
  const shell = blocks(markdown, "sh").filter((b) => !b.includes("0xYourAgencyAddress"));
  expect(shell).toHaveLength(3);
  const run = (script: string) => execFileSync("bash", ["-euo", "pipefail", "-c", script], { cwd: work, env: { ...process.env, ...env }, encoding: "utf8" });
  const data = JSON.parse(run(shell[0]));
  expect(data).toMatchObject({ data: { address: { district: "Haidian" } }, basis: "consent" });
  const predicate = JSON.parse(run(shell[1]));
  expect(predicate).toMatchObject({ result: true });
  let proof: Record<string, unknown> = {};
  for (let i = 0; i < 50; i++) {
    proof = JSON.parse(run(shell[2]));
    if ((proof.batch as { status?: string } | undefined)?.status === "anchored") break;
    execFileSync("sleep", ["0.2"]);
  }
  expect(proof).toMatchObject({ record: { seq: data.receipt.seq, recordHash: data.receipt.recordHash }, batch: { status: "anchored" } });
});
