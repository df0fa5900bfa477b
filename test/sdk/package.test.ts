// `imi-ledger/sdk` as a consumer sees it: compiled output reached through package.json `exports`
// from a separate project, typed through the same map, and bundled for a browser without any
// Node-only module.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { beforeAll, describe, expect, test } from "vitest";
import { renderAbiModules } from "../../sdk/scripts/renderAbiModules.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
let consumer: string;

beforeAll(() => {
  execFileSync(process.execPath, [tsc, "-p", join(root, "sdk", "tsconfig.build.json")], { cwd: root, stdio: "pipe" });
  consumer = mkdtempSync(join(tmpdir(), "imi-sdk-consumer-"));
  mkdirSync(join(consumer, "node_modules"));
  // What `npm install <path or tarball of this package>` leaves behind, without a registry.
  symlinkSync(root, join(consumer, "node_modules", "imi-ledger"), "dir");
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
}, 120_000);

describe("the package as installed", () => {
  test("plain Node imports imi-ledger/sdk (the node build, with loadDeployment)", () => {
    writeFileSync(
      join(consumer, "main.mjs"),
      `import { createImiClient, privateKeyToAccount, loadDeployment, ImiError } from "imi-ledger/sdk";
       import * as nodeEntry from "imi-ledger/sdk/node";
       const account = privateKeyToAccount("0x${"11".repeat(32)}");
       const client = createImiClient({ rpc: "http://127.0.0.1:1", account, deployment: {
         chainId: 31337, contracts: { IdentityRegistry: "0x${"01".repeat(20)}", CredentialRegistry: "0x${"02".repeat(20)}",
         ConsentRegistry: "0x${"03".repeat(20)}", AccessLog: "0x${"04".repeat(20)}" } } });
       console.log(JSON.stringify({ address: account.address, chainId: client.chainId, loader: typeof loadDeployment,
         consent: typeof client.consent.grant, error: new ImiError("X", "x") instanceof Error, same: typeof nodeEntry.createImiClient }));`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ["main.mjs"], { cwd: consumer, encoding: "utf8" }));
    expect(out).toEqual({ address: "0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A", chainId: 31337, loader: "function", consent: "function", error: true, same: "function" });
  });

  test("TypeScript resolves the declarations through exports", () => {
    writeFileSync(
      join(consumer, "main.ts"),
      `import { createImiClient, type ImiClient, type GrantConsentReturnType } from "imi-ledger/sdk";
       const client: ImiClient = createImiClient({ rpc: "http://127.0.0.1:1", deployment: { chainId: 1, contracts: {} } });
       export const grant: (p: Parameters<ImiClient["consent"]["grant"]>[0]) => Promise<GrantConsentReturnType> = client.consent.grant;
       // @ts-expect-error scopes is required
       client.consent.check({ agency: "0x", citizen: "0x", purpose: "0x" });`,
    );
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ["main.ts"] }),
    );
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer, stdio: "pipe" });
  });

  test("a browser bundle of imi-ledger/sdk pulls in no Node-only module", async () => {
    writeFileSync(
      join(consumer, "wallet.js"),
      `import { createImiClient, privateKeyToAccount, signIdentityProof, issueCredential } from "imi-ledger/sdk";
       globalThis.sdk = { createImiClient, privateKeyToAccount, signIdentityProof, issueCredential };`,
    );
    const result = await build({
      entryPoints: [join(consumer, "wallet.js")],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      absWorkingDir: consumer,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes("sdk/dist/index.js"))).toBe(true);
    expect(inputs.filter((i) => i.includes("sdk/dist/node.js") || i.includes("loadDeployment") || i.startsWith("node:"))).toEqual([]);
    expect(result.outputFiles[0].text).not.toMatch(/from\s*["']node:|require\(["'](fs|path|node:)/);
  });

  test("the browser bundle runs without Node globals: keys, typed data, credentials, receipts", async () => {
    writeFileSync(
      join(consumer, "browser.js"),
      `import * as sdk from "imi-ledger/sdk";
       const key = sdk.privateKeyToAccount(sdk.generatePrivateKey());
       const typedData = sdk.grantTypedData({ chainId: 1, verifyingContract: key.address, nonce: 0, deadline: 1,
         request: { citizen: sdk.randomBytes32(), agency: key.address, scopes: 1n, purpose: sdk.code("p"), validFrom: 0, validUntil: 2 } });
       const signature = key.signTypedData(typedData);
       const credential = sdk.issueCredential(key, { chainId: 1, schemaId: sdk.randomBytes32(), claims: { a: 1 } });
       const request = sdk.signAgencyRequest(key, { chainId: 1, gateway: key.address, citizen: sdk.randomBytes32(), scopes: 1n, purpose: sdk.code("p"), method: "GET", path: "/x" });
       const headers = sdk.agencyRequestHeaders(request);
       const batch = sdk.buildAccessLogBatch([{ seq: 1, time: 1, gateway: key.address, agency: key.address, citizen: sdk.randomBytes32(),
         kind: "data", scopes: 1n, purpose: sdk.code("p"), grantId: sdk.randomBytes32(), basis: "consent", decision: "allowed",
         reason: "ALLOWED", requestHash: sdk.randomBytes32(), responseHash: sdk.randomBytes32() }]);
       result = {
         signed: sdk.verifyTypedData({ typedData, signature, signer: key.address }),
         credential: credential.document.claimDigests.length,
         request: sdk.verifyAgencyRequest({ chainId: 1, gateway: key.address, signed: sdk.readAgencyRequestHeaders(headers), method: "GET", path: "/x" }).valid,
         proof: sdk.verifyAccessLogInclusion(batch.proofs[0]),
       };`,
    );
    const bundle = await build({
      entryPoints: [join(consumer, "browser.js")],
      bundle: true,
      platform: "browser",
      format: "iife",
      write: false,
      absWorkingDir: consumer,
      logLevel: "silent",
    });
    // Only what a browser offers: no process, Buffer, require or module.
    const sandbox: Record<string, unknown> = {
      crypto: globalThis.crypto,
      TextEncoder,
      TextDecoder,
      atob,
      btoa,
      console,
      setTimeout,
      clearTimeout,
      URL,
      result: undefined,
    };
    sandbox.globalThis = sandbox;
    sandbox.self = sandbox;
    runInNewContext(bundle.outputFiles[0].text, sandbox);
    expect(sandbox.result).toEqual({ signed: true, credential: 1, request: true, proof: true });
  });

  test("npm pack ships the compiled SDK", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const files = (JSON.parse(out)[0].files as Array<{ path: string }>).map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(["sdk/dist/index.js", "sdk/dist/index.d.ts", "sdk/dist/node.js", "package.json"]));
  });
});

describe("generated ABI modules", () => {
  test("match the compiled artifacts (run `npm run sdk:abi` after changing contracts)", () => {
    for (const [file, text] of renderAbiModules(join(root, "artifacts"))) {
      expect(readFileSync(join(root, "sdk", file), "utf8"), `sdk/${file} is stale`).toBe(text);
    }
  });
});
