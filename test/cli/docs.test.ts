// docs/cli.md's walkthrough, run as written against a fresh node: every ```sh line is either
// `imi …` or `NAME=$(imi … --json | jq -r .field)`, and ```csv <file> and ```json <file> blocks are written to disk
// first. Each command must succeed; variables carry ids from one command to the next.
import { readFile, writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imi, startTestNode, type TestNode } from "./harness.js";

type Step = { kind: "run"; line: string } | { kind: "file"; name: string; text: string };

function stepsOf(markdown: string): Step[] {
  const steps: Step[] = [];
  for (const m of markdown.matchAll(/```(sh|csv [^\n]+|json [^\n]+)\n([\s\S]*?)```/g)) {
    if (m[1].startsWith("csv ") || m[1].startsWith("json ")) steps.push({ kind: "file", name: m[1].slice(m[1].indexOf(" ") + 1).trim(), text: m[2] });
    else for (const line of m[2].split("\n").map((l) => l.trim())) if (line && !line.startsWith("#")) steps.push({ kind: "run", line });
  }
  return steps;
}

/** Shell words with "double" and 'single' quotes; $NAME expands outside single quotes. */
function words(text: string, vars: Record<string, string>): string[] {
  const out: string[] = [];
  let current: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "$" && quote === '"') {
        const name = /^[A-Z_][A-Z0-9_]*/.exec(text.slice(i + 1))![0];
        current = (current ?? "") + (vars[name] ?? "");
        i += name.length;
      } else current = (current ?? "") + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current ??= "";
    } else if (/\s/.test(c)) {
      if (current !== undefined) out.push(current);
      current = undefined;
    } else if (c === "$") {
      const name = /^[A-Z_][A-Z0-9_]*/.exec(text.slice(i + 1))?.[0];
      if (!name) throw new Error(`unsupported shell syntax in ${text}`);
      if (!(name in vars)) throw new Error(`$${name} is used before it is set: ${text}`);
      current = (current ?? "") + vars[name];
      i += name.length;
    } else current = (current ?? "") + c;
  }
  if (current !== undefined) out.push(current);
  return out;
}

describe("docs/cli.md", () => {
  let t: TestNode;
  let cwd: string;
  beforeAll(async () => {
    t = await startTestNode();
    cwd = await mkdtemp(join(tmpdir(), "imi-docs-"));
  });
  afterAll(async () => {
    await t?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  it("runs the walkthrough as written", { timeout: 240_000 }, async () => {
    const steps = stepsOf(await readFile(new URL("../../docs/cli.md", import.meta.url), "utf8"));
    expect(steps.length).toBeGreaterThan(25);
    const vars: Record<string, string> = {};
    const env: Record<string, string> = {};
    for (const step of steps) {
      if (step.kind === "file") {
        await writeFile(join(cwd, step.name), step.text);
        continue;
      }
      const exported = /^export ([A-Z_]+)=(.*)$/.exec(step.line);
      if (exported) {
        env[exported[1]] = words(exported[2], vars)[0];
        continue;
      }
      const captured = /^([A-Z_]+)=\$\((imi .*) \| jq -r \.([A-Za-z]+)\)$/.exec(step.line);
      const command = captured ? captured[2] : step.line;
      expect(command.startsWith("imi "), `not an imi command: ${step.line}`).toBe(true);
      const args = words(command, vars).slice(1);
      // The walkthrough's data directory is the test node's.
      const run = await imi(args, { cwd, env: { ...env, IMI_DATA_DIR: t.dataDir } });
      expect(run.code, `${step.line}\n${run.stdout}\n${run.stderr}`).toBe(0);
      if (captured) {
        const value = run.json()[captured[3]];
        expect(typeof value, `${step.line} gave no .${captured[3]}`).toBe("string");
        vars[captured[1]] = value as string;
      }
    }
    expect(Object.keys(vars)).toEqual(expect.arrayContaining(["REGISTRAR", "CITIZEN", "CONSENT", "SCHEMA", "CHALLENGE"]));
  });
});
