// Bad input to every command: each leaf of the `imi` command tree is run with nonsense in every
// required argument and option and a data directory that does not exist. Each must refuse with a
// coded JSON error and a meaningful non-zero exit, print no stack trace, and write nothing: the
// missing data directory stays missing and the working directory stays empty.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../../cli/program.js";
import { EXIT } from "../../cli/CliError.js";
import { imi } from "./harness.js";

/** Commands that start long-running servers; their bad settings are tested where they live. */
const SERVERS = new Set(["up", "chain start"]);

type Leaf = { path: string[]; args: string[]; options: string[]; hasDataDir: boolean };

function leaves(command: Command, path: string[] = []): Leaf[] {
  if (command.commands.length > 0) return command.commands.flatMap((c) => leaves(c, [...path, c.name()]));
  return [
    {
      path,
      args: command.registeredArguments.filter((a) => a.required).map(() => "not-a-value"),
      options: command.options.filter((o) => o.mandatory).flatMap((o) => [o.long!, "not-a-value"]),
      hasDataDir: command.options.some((o) => o.long === "--data-dir"),
    },
  ];
}

/** Runs `tasks` at most `limit` at a time. */
async function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

describe("bad input to every command", () => {
  let root: string;
  const all = leaves(buildProgram()).filter((l) => !SERVERS.has(l.path.join(" ")));

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "imi-bad-input-"));
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it("covers the whole command tree", () => {
    expect(all.length).toBeGreaterThanOrEqual(35);
  });

  it("nonsense values: a coded error, a meaningful exit code, no stack trace, nothing written", { timeout: 900_000 }, async () => {
    const runs = await pooled(
      all.map((leaf, i) => async () => {
        const cwd = join(root, `cwd-${i}`);
        await rm(cwd, { recursive: true, force: true });
        await import("node:fs/promises").then((fs) => fs.mkdir(cwd));
        const missing = join(root, `missing-${i}`);
        const argv = ["--json", ...leaf.path, ...leaf.args, ...leaf.options, ...(leaf.hasDataDir ? ["--data-dir", missing] : [])];
        const run = await imi(argv, { cwd, env: { IMI_KEYSTORE_PASSWORD: "a long enough password" } });
        return { leaf, run, cwd, missing };
      }),
      2,
    );
    const problems: string[] = [];
    for (const { leaf, run, cwd, missing } of runs) {
      const name = leaf.path.join(" ");
      let error: { code: string; message: string } | undefined;
      try {
        const out = run.json();
        if (out.ok !== false) problems.push(`${name}: ok is not false`);
        error = out.error;
      } catch {
        problems.push(`${name}: no JSON on stdout (exit ${run.code}): ${run.stdout.slice(-200)} ${run.stderr.slice(-300)}`);
      }
      if (![EXIT.usage, EXIT.config, EXIT.unavailable].includes(run.code as never)) problems.push(`${name}: exit ${run.code} (${error?.code}: ${error?.message})`);
      if (!/^[A-Z][A-Z0-9_]+$/.test(error?.code ?? "") || error?.code === "IMI_UNEXPECTED") problems.push(`${name}: error code ${error?.code} (${error?.message})`);
      if ((error?.message.length ?? 0) < 10) problems.push(`${name}: message ${JSON.stringify(error?.message)}`);
      if (/\n\s+at /.test(run.stderr)) problems.push(`${name}: stack trace on stderr`);
      if (existsSync(missing)) problems.push(`${name}: created the data directory`);
      const written = await readdir(cwd);
      if (written.length > 0) problems.push(`${name}: wrote ${written.join(", ")} into the working directory`);
    }
    expect(problems).toEqual([]);
  });

  it("an unknown option is a usage error, in JSON when asked", async () => {
    const picked = ["status", "consent grant", "agency request", "audit verify"].map((n) => all.find((l) => l.path.join(" ") === n)!);
    const runs = await Promise.all(picked.map((leaf) => imi(["--json", ...leaf.path, ...leaf.args, ...leaf.options, "--no-such-option"])));
    runs.forEach((run, i) => {
      expect({ name: picked[i]!.path.join(" "), code: run.code, error: run.json().error?.code }).toEqual({ name: picked[i]!.path.join(" "), code: EXIT.usage, error: "USAGE" });
      expect(run.stderr).toMatch(/unknown option '--no-such-option'/);
    });
  });
});
