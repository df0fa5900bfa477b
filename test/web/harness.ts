// The browser tests' world: the web app built from source, a real `imi up --demo` (the same
// process a person starts), and Debian's Chromium driven by playwright-core. Nothing downloads a
// browser: the executable is /usr/bin/chromium (.ci/run installs it when it is missing).
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { createRequire } from "node:module";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { imi } from "../helpers/imi.js";

export const CHROMIUM = process.env.IMI_CHROMIUM ?? "/usr/bin/chromium";
/** Where screenshots go (ignored by git). */
export const OUTPUT_DIR = join(process.cwd(), "test-output", "web");
/** A phone, as the district's elderly citizens use it. */
export const PHONE = { width: 360, height: 740 };

// As root, on a machine with no outside network: no sandbox, and nothing that phones home.
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let builtWebRoot: string | undefined;

/**
 * Builds web/ with Vite, as `npm start` does, into a directory of this test file's own, which the
 * node it starts serves (gateway.webRoot): test files running side by side never serve each
 * other's half-written builds.
 */
export async function buildWebApp(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), "imi-web-dist-"));
  // Vite holds a lock per project while it builds; each build here has a directory of its own, so
  // two test files may build at once.
  await promisify(execFile)(process.execPath, ["node_modules/vite/bin/vite.js", "build", "web", "--logLevel", "warn", "--outDir", outDir, "--emptyOutDir", "--bypass-lock"], { maxBuffer: 16 * 1024 * 1024 });
  builtWebRoot = outDir;
  return outDir;
}

export type DemoNode = {
  url: string;
  dataDir: string;
  /** The demo's first citizen (Chan Tai Man): identity id, key name, keystore path and password. */
  citizen: { id: `0x${string}`; key: string; keystore: string; password: string };
  stop(): Promise<void>;
};

async function demoNodeOf(summary: Record<string, unknown>, stop: () => Promise<void>): Promise<DemoNode> {
  const demo = summary.demo as { ok: boolean; citizen: `0x${string}` } | undefined;
  if (!demo?.citizen) throw new Error(`demo not seeded: ${JSON.stringify(summary)}`);
  const keys = join(summary.dataDir as string, "keys");
  return {
    url: summary.webUrl as string,
    dataDir: summary.dataDir as string,
    citizen: { id: demo.citizen, key: "demo-citizen-1", keystore: join(keys, "demo-citizen-1.json"), password: (await readFile(join(keys, "password"), "utf8")).trim() },
    stop,
  };
}

/**
 * `imi up --demo` in a fresh data directory on free ports; resolves once the demo is seeded.
 * While developing, IMI_WEB_TEST_UP_JSON may name a file holding the JSON line of an `imi --json up
 * --demo` that is already running, to walk the screens again without seeding a new node.
 */
export async function startDemoNode(): Promise<DemoNode> {
  const reuse = process.env.IMI_WEB_TEST_UP_JSON;
  if (reuse) {
    const line = (await readFile(reuse, "utf8")).split("\n").filter((l) => l.startsWith('{"ok"')).at(-1);
    return demoNodeOf(JSON.parse(line ?? "{}") as Record<string, unknown>, async () => {});
  }
  const dataDir = await mkdtemp(join(tmpdir(), "imi-web-"));
  const child: ChildProcess = spawn(process.execPath, ["cli/bin/imi.js", "--json", "up", "--demo", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", ...(builtWebRoot && { IMI_GATEWAY_WEB_ROOT: builtWebRoot }) },
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout! });
  const summary = await new Promise<Record<string, unknown>>((resolve, reject) => {
    lines.on("line", (line) => {
      // The summary line, not a log line the node wrote to stdout before it (an index warning on a loaded machine).
      if (line.startsWith('{"ok"')) resolve(JSON.parse(line) as Record<string, unknown>);
    });
    void exited.then((code) => reject(new Error(`imi up --demo exited with ${code}: ${stderr}`)));
  });
  return demoNodeOf(summary, async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });
}

/** A fresh Chromium profile (its own --user-data-dir), phone-sized unless told otherwise. */
export async function openBrowser(viewport = PHONE): Promise<{ context: BrowserContext; page: Page; problems: string[]; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), "imi-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport,
    deviceScaleFactor: 1,
    isMobile: false,
    hasTouch: true,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Generous: these walks share two cores with a whole node (and, on a developer's machine, more).
  page.setDefaultTimeout(90_000);
  // Anything the Content-Security-Policy refused, or an uncaught error, fails the walk.
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/**
 * axe-core in the page (evaluated through the DevTools protocol, so the page's CSP stays strict):
 * no serious or critical violation on this screen. Returns the number of rules checked.
 */
export async function expectAccessible(page: Page, screen: string): Promise<number> {
  axeSource ??= await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }>; passes: unknown[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } });
    return { violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3) })), passes: r.passes.length };
  });
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `axe on ${screen}`).toEqual([]);
  return result.passes;
}

/** The screen as the person sees it (the phone's viewport), and the whole page beside it. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path });
  await page.screenshot({ path: join(OUTPUT_DIR, `${name}-full.png`), fullPage: true });
  return path;
}

/** Runs an `imi` command against the demo node (in this process, see test/helpers/imi.ts) and returns its JSON answer (refusals included). */
export async function imiJson(dataDir: string, args: string[]): Promise<Record<string, unknown> & { ok: boolean; error?: { code: string } }> {
  const { stdout } = await imi(["--json", ...args, "--data-dir", dataDir]);
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown> & { ok: boolean; error?: { code: string } };
}
