// Runs the examples in sdk/README.md, in order, against a fresh chain over HTTP, exactly as
// written (`"@imi-ledger/sdk"` resolves to the source tree through the "imi-source" condition).
// They are also type-checked.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { sdkFixture, serveOverHttp, type SdkFixture } from "./fixture.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
let fx: SdkFixture;
let http: Awaited<ReturnType<typeof serveOverHttp>>;

/** The ```ts blocks of the README as one module: imports merged at the top, bodies in order. */
function readmeModule(markdown: string, sdkSpecifier: string): string {
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const names = new Set<string>();
  const bodies = blocks.map((block) =>
    block.replace(/import\s*\{([^}]*)\}\s*from\s*"@imi-ledger\/sdk";\n?/g, (_all, list: string) => {
      for (const name of list.split(",").map((n) => n.trim()).filter(Boolean)) names.add(name);
      return "";
    }),
  );
  return `import { ${[...names].join(", ")} } from "${sdkSpecifier}";\n\nexport async function runExamples(): Promise<void> {\n${bodies.join("\n")}\n}\n`;
}

beforeAll(async () => {
  fx = await sdkFixture();
  http = await serveOverHttp(fx.rpc);
  const dir = mkdtempSync(join(tmpdir(), "imi-readme-"));
  const c = fx.deployment.contracts;
  writeFileSync(
    join(dir, "deployed_addresses.json"),
    JSON.stringify({
      "Imi#ImiAccessManager": c.accessManager,
      "Imi#IdentityRegistry": c.identityRegistry,
      "Imi#CredentialRegistry": c.credentialRegistry,
      "Imi#ConsentRegistry": c.consentRegistry,
      "Imi#AccessLog": c.accessLog,
      "Imi#AccountRules": c.accountRules,
    }),
  );
  writeFileSync(join(dir, "journal.jsonl"), `{"chainId":${fx.deployment.chainId},"type":"DEPLOYMENT_INITIALIZE"}\n`);
  const key = (signer: { address: string }) => fx.accountOf(signer as never).exportPrivateKey();
  const a = fx.accounts;
  vi.stubEnv("IMI_RPC_URL", http.url);
  vi.stubEnv("IMI_DEPLOYMENT", dir);
  vi.stubEnv("IMI_REGISTRAR_KEY", key(a.registrar));
  vi.stubEnv("IMI_GATEWAY_KEY", key(a.gateway));
  vi.stubEnv("IMI_AGENCY_KEY", key(a.agency));
  vi.stubEnv("IMI_ISSUER_KEY", key(a.issuer));
  vi.stubEnv("IMI_GOVERNOR_KEY", key(a.governor));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await http?.close();
});

test("the README has one runnable task per role, six, and they run", async () => {
  const markdown = readFileSync(join(root, "sdk", "README.md"), "utf8");
  expect(markdown.match(/^### \d\. /gm)).toHaveLength(6);
  const out = join(here, ".readme");
  mkdirSync(out, { recursive: true });
  const file = join(out, "examples.ts");
  writeFileSync(file, readmeModule(markdown, "@imi-ledger/sdk"));

  const logs: unknown[][] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logs.push(args));
  try {
    const { runExamples } = await import(/* @vite-ignore */ file);
    await runExamples();
  } finally {
    spy.mockRestore();
  }
  // What the comments in the README promise.
  expect(logs[0][0]).toMatchObject({ valid: true, level: 2 });
  expect(logs[1][0]).toBe("Grant");
  expect(logs[1][1]).toEqual([[expect.stringMatching(/^0x/), "active"]]);
  expect(logs[2][0]).toMatchObject({ allowed: true, decision: "Allowed" });
  expect(logs[3]).toEqual([true, { age_over_65: true }]);
  expect(logs[4][0]).toMatchObject({ valid: true, batchIndex: 0n });
  expect(logs[5]).toEqual([true, []]);
  expect(logs[6]).toEqual([true, true]);
});

test("the README examples type-check", () => {
  const file = join(here, ".readme", "examples.ts");
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const options = ["--noEmit", "--strict", "--skipLibCheck", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--customConditions", "imi-source", "--target", "ES2023", "--types", "node"];
  execFileSync(process.execPath, [tsc, ...options, file], { cwd: root, stdio: "pipe" });
});
