// @imi-ledger/sdk as an outside developer gets it: `npm pack` in sdk/, a plain `npm install` of the
// tarball into a fresh project (from the real registry) under the machine's own Node (20 here) and
// under the project's Node 22, a strict TypeScript consumer compiled against the installed
// declarations and run, the consumer's installed size against the 40 MB budget, and a browser bundle
// of the entry without any Node-only module.
import { execFile, execFileSync } from "node:child_process";
import { accessSync, constants, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { beforeAll, describe, expect, test } from "vitest";
import { renderAbiModules } from "../../sdk/scripts/renderAbiModules.js";

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const BUDGET_BYTES = 40 * 1000 * 1000;

/** What a developer's shell has: none of npm's run-script variables, no source condition. */
function outsiderEnv(nodeBin: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|NODE_OPTIONS$|INIT_CWD$|VITEST|NODE_ENV$)/i.test(k)) env[k] = v;
  const path = (process.env.PATH ?? "").split(delimiter).filter((d) => !d.startsWith(join(root, "node_modules")) && !d.includes(`${join("node_modules", ".bin")}`));
  env.PATH = [dirname(nodeBin), ...path].join(delimiter);
  return env;
}

/** The machine's own `node`: the first on PATH that is not the project's node_modules one. */
function systemNode(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir || dir.includes("node_modules")) continue;
    const candidate = join(dir, "node");
    try {
      accessSync(candidate, constants.X_OK);
      const real = realpathSync(candidate);
      if (real === realpathSync(process.execPath)) continue;
      return real;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** npm's own entry script, run under whichever Node is being tested. */
function npmCli(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    try {
      const real = realpathSync(join(dir, "npm"));
      const cli = real.endsWith("npm-cli.js") ? real : join(dirname(real), "..", "lib", "node_modules", "npm", "bin", "npm-cli.js");
      accessSync(cli);
      return cli;
    } catch {
      // not here
    }
  }
  throw new Error("npm is not on PATH");
}

/** Bytes of every file under node_modules (symlinks not followed) and the number of packages. */
function sizeOf(path: string): { bytes: number; packages: number } {
  let bytes = 0;
  let packages = 0;
  const walk = (p: string, parent: "modules" | "scope" | "other") => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (!st.isDirectory()) {
      bytes += st.size;
      return;
    }
    const name = basename(p);
    if ((parent === "modules" && !name.startsWith("@") && !name.startsWith(".")) || parent === "scope") packages++;
    const kind = name === "node_modules" ? "modules" : parent === "modules" && name.startsWith("@") ? "scope" : "other";
    for (const entry of readdirSync(p)) walk(join(p, entry), kind);
  };
  walk(path, "other");
  return { bytes, packages };
}

const CONSUMER = `import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildAccessLogBatch, code, createImiClient, hashAccessRecord, ImiError, privateKeyToAccount, verifyAccessLogInclusion,
  type AccessLogProof, type AccessRecord, type Hex, type ImiClient,
} from "@imi-ledger/sdk";
import { loadDeployment } from "@imi-ledger/sdk/node";

const gateway = privateKeyToAccount("0x${"11".repeat(32)}");
const agency: Hex = "0x${"a1".repeat(20)}";

// The deployment as Ignition writes it, read through the Node entry.
const dir = mkdtempSync(join(tmpdir(), "imi-consumer-deployment-"));
const at = (n: number): string => "0x" + n.toString(16).padStart(40, "0");
writeFileSync(join(dir, "deployed_addresses.json"), JSON.stringify({
  "Imi#ImiAccessManager": at(1), "Imi#IdentityRegistry": at(2), "Imi#CredentialRegistry": at(3),
  "Imi#ConsentRegistry": at(4), "Imi#AccessLog": at(5), "Imi#AccountRules": at(6),
}));
writeFileSync(join(dir, "journal.jsonl"), '{"chainId":1337,"type":"DEPLOYMENT_INITIALIZE"}\\n');
const client: ImiClient = createImiClient({ rpc: "http://127.0.0.1:1", account: gateway, deployment: dir });

// Three accesses as the gateway logs them, one batch, and the receipt for the second.
const records: AccessRecord[] = [1, 2, 3].map((seq) => ({
  seq, time: 1_764_000_000_000 + seq, gateway: gateway.address, agency,
  citizen: code("citizen-" + seq), kind: "data", scopes: 5n, purpose: code("benefits-eligibility"),
  grantId: code("grant-" + seq), basis: "consent", decision: "allowed", reason: "ALLOWED",
  requestHash: code("request-" + seq), responseHash: code("response-" + seq),
}));
const batch = buildAccessLogBatch(records);
const [firstProof, secondProof] = batch.proofs;
const second = records[1];
if (firstProof === undefined || secondProof === undefined || second === undefined) throw new Error("the batch lost a record");
const receipt: AccessLogProof = { ...secondProof, record: { ...second, recordHash: hashAccessRecord(second) } };

let errorCode = "";
try {
  privateKeyToAccount("0x12");
} catch (error) {
  if (error instanceof ImiError) errorCode = error.code;
}

console.log(JSON.stringify({
  node: process.versions.node.split(".")[0],
  chainId: client.chainId,
  contracts: Object.keys(loadDeployment(dir).contracts).length,
  receipt: verifyAccessLogInclusion(receipt),
  tampered: verifyAccessLogInclusion({ ...receipt, record: { ...receipt.record, decision: "denied" } }),
  otherProof: verifyAccessLogInclusion({ ...receipt, proof: firstProof.proof }),
  errorCode,
}));

// Types reach the consumer: these must not compile.
export function typeOnly(c: ImiClient): void {
  // @ts-expect-error scopes is required
  void c.consent.check({ agency, citizen: "0x", purpose: "0x" });
  // @ts-expect-error decision is "allowed" | "denied"
  void verifyAccessLogInclusion({ ...receipt, record: { ...receipt.record, decision: "maybe" } });
}
`;

type Consumer = { label: string; dir: string; nodeBin: string; version: string };
let tarball: string;
let packedFiles: string[];
const consumers: Consumer[] = [];
let skipped20 = "";

beforeAll(async () => {
  const npm = npmCli();
  const packDir = mkdtempSync(join(tmpdir(), "imi-sdk-pack-"));
  // `npm pack` runs the package's prepack (the build), as publishing would.
  const { stdout } = await run(process.execPath, [npm, "pack", "--json", "--pack-destination", packDir], { cwd: join(root, "sdk"), env: outsiderEnv(process.execPath), maxBuffer: 64 << 20 });
  const packed = JSON.parse(stdout)[0] as { filename: string; files: Array<{ path: string }> };
  tarball = join(packDir, packed.filename);
  packedFiles = packed.files.map((f) => f.path);

  const nodes: Array<[string, string]> = [["Node 22", process.execPath]];
  const system = systemNode();
  if (system === undefined) skipped20 = "no Node on PATH besides the project's own";
  else nodes.unshift(["system Node", system]);
  // Both installs at once: each is a plain npm install from the registry into its own fresh project.
  await Promise.all(
    nodes.map(async ([label, nodeBin]) => {
      const dir = mkdtempSync(join(tmpdir(), "imi-sdk-consumer-"));
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }));
      await run(nodeBin, [npm, "install", tarball, "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, env: outsiderEnv(nodeBin), maxBuffer: 64 << 20 });
      const version = execFileSync(nodeBin, ["--version"], { encoding: "utf8" }).trim();
      consumers.push({ label: `${label} ${version}`, dir, nodeBin, version });
    }),
  );
  if (system !== undefined) console.log(`system Node found: ${system}`);
  else console.log(`install under the system Node skipped: ${skipped20}`);
}, 300_000);

describe("the packed package", () => {
  test("ships dist/ (ESM + declarations, Node and browser entries) and the README, nothing else", () => {
    expect(packedFiles).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/node.js", "dist/node.d.ts"]));
    expect(packedFiles.filter((f) => !f.startsWith("dist/") && !["package.json", "README.md"].includes(f))).toEqual([]);
    expect(packedFiles.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
  });

  test("has no install scripts and only runtime dependencies the SDK imports", () => {
    const manifest = JSON.parse(readFileSync(join(consumers[0].dir, "node_modules", "@imi-ledger", "sdk", "package.json"), "utf8"));
    expect(manifest.name).toBe("@imi-ledger/sdk");
    expect(manifest.license).toBe("Apache-2.0");
    expect(manifest.type).toBe("module");
    expect(Object.keys(manifest.scripts ?? {}).filter((s) => /^(pre|post)?install$|^prepare$/.test(s))).toEqual([]);
    expect(manifest.devDependencies === undefined || Object.keys(manifest.dependencies).every((d) => !(d in manifest.devDependencies))).toBe(true);
    for (const forbidden of ["hardhat", "vitest", "level", "classic-level", "fastify", "typescript", "tsx"]) expect(manifest.dependencies).not.toHaveProperty(forbidden);
    expect(manifest.engines.node).toMatch(/^>=20/);
  });
});

describe("installed with plain npm into a fresh project", () => {
  test("under the system Node and under Node 22, a strict TypeScript consumer compiles, runs, builds a client and verifies a receipt; node_modules stays under 40 MB", () => {
    if (skipped20) console.log(`install under the system Node skipped: ${skipped20}`);
    expect(consumers.length).toBeGreaterThanOrEqual(1);
    for (const consumer of consumers) {
      writeFileSync(join(consumer.dir, "main.ts"), CONSUMER);
      writeFileSync(
        join(consumer.dir, "tsconfig.json"),
        JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, skipLibCheck: true, types: ["node"], outDir: "out" }, files: ["main.ts"] }),
      );
      execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer.dir, stdio: "pipe", env: outsiderEnv(process.execPath) });
      const out = JSON.parse(execFileSync(consumer.nodeBin, ["out/main.js"], { cwd: consumer.dir, encoding: "utf8", env: outsiderEnv(consumer.nodeBin) }));
      expect(out, consumer.label).toEqual({
        node: consumer.version.slice(1).split(".")[0],
        chainId: 1337,
        contracts: 6,
        receipt: true,
        tampered: false,
        otherProof: false,
        errorCode: "INVALID_KEY",
      });
      const { bytes, packages } = sizeOf(join(consumer.dir, "node_modules"));
      console.log(`@imi-ledger/sdk consumer on ${consumer.label}: node_modules ${(bytes / 1e6).toFixed(1)} MB in ${packages} packages (budget 40 MB)`);
      expect(bytes, consumer.label).toBeLessThan(BUDGET_BYTES);
    }
  });

  test("a browser bundle of the entry pulls in no Node-only module", async () => {
    const consumer = consumers[consumers.length - 1];
    writeFileSync(
      join(consumer.dir, "wallet.js"),
      `import { createImiClient, privateKeyToAccount, signIdentityProof, issueCredential, encryptToKey } from "@imi-ledger/sdk";
       globalThis.sdk = { createImiClient, privateKeyToAccount, signIdentityProof, issueCredential, encryptToKey };`,
    );
    const result = await build({ entryPoints: [join(consumer.dir, "wallet.js")], bundle: true, platform: "browser", format: "esm", write: false, metafile: true, absWorkingDir: consumer.dir, logLevel: "silent" });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes("@imi-ledger/sdk/dist/index.js"))).toBe(true);
    expect(inputs.filter((i) => i.includes("@imi-ledger/sdk/dist/node.js") || i.includes("loadDeployment") || i.startsWith("node:"))).toEqual([]);
    expect(result.outputFiles[0].text).not.toMatch(/from\s*["']node:|require\(["'](fs|path|node:)/);
  });

  test("the browser bundle runs without Node globals: keys, typed data, credentials, receipts, encryption to a key", async () => {
    const consumer = consumers[consumers.length - 1];
    writeFileSync(
      join(consumer.dir, "browser.js"),
      `import * as sdk from "@imi-ledger/sdk";
       const key = sdk.privateKeyToAccount(sdk.generatePrivateKey());
       const typedData = sdk.grantTypedData({ chainId: 1, verifyingContract: key.address, nonce: 0, deadline: 1,
         request: { citizen: sdk.randomBytes32(), agency: key.address, scopes: 1n, purpose: sdk.code("p"), validFrom: 0, validUntil: 2 } });
       const signature = key.signTypedData(typedData);
       const credential = sdk.issueCredential(key, { chainId: 1, schemaId: sdk.randomBytes32(), claims: { a: 1 } });
       const batch = sdk.buildAccessLogBatch([{ seq: 1, time: 1, gateway: key.address, agency: key.address, citizen: sdk.randomBytes32(),
         kind: "data", scopes: 1n, purpose: sdk.code("p"), grantId: sdk.randomBytes32(), basis: "consent", decision: "allowed",
         reason: "ALLOWED", requestHash: sdk.randomBytes32(), responseHash: sdk.randomBytes32() }]);
       const secretKey = sdk.generatePrivateKey();
       const sealed = sdk.encryptToKey(sdk.privateKeyToAccount(secretKey).publicKey, new TextEncoder().encode("answer"));
       result = {
         signed: sdk.verifyTypedData({ typedData, signature, signer: key.address }),
         credential: credential.document.claimDigests.length,
         proof: sdk.verifyAccessLogInclusion(batch.proofs[0]),
         decrypted: new TextDecoder().decode(sdk.decryptWithKey(secretKey, sealed)),
       };`,
    );
    const bundle = await build({ entryPoints: [join(consumer.dir, "browser.js")], bundle: true, platform: "browser", format: "iife", write: false, absWorkingDir: consumer.dir, logLevel: "silent" });
    // Only what a browser offers: no process, Buffer, require or module.
    const sandbox: Record<string, unknown> = { crypto: globalThis.crypto, TextEncoder, TextDecoder, atob, btoa, console, setTimeout, clearTimeout, URL, result: undefined };
    sandbox.globalThis = sandbox;
    sandbox.self = sandbox;
    runInNewContext(bundle.outputFiles[0].text, sandbox);
    expect(sandbox.result).toEqual({ signed: true, credential: 1, proof: true, decrypted: "answer" });
  });
});

describe("generated ABI modules", () => {
  test("match the compiled artifacts (run `npm run sdk:abi` after changing contracts)", () => {
    for (const [file, text] of renderAbiModules(join(root, "artifacts"))) {
      expect(readFileSync(join(root, "sdk", file), "utf8"), `sdk/${file} is stale`).toBe(text);
    }
  });
});
