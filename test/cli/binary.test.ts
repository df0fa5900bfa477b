// The `imi` binary itself: the launcher (Node version check, type stripping, the source
// condition) and exit statuses as a shell sees them. The other CLI tests run their commands in the
// test process through the same entry (cli/run.ts); these show that a run there answers exactly as
// the binary does: the same stdout, stderr and exit status.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../cli/CliError.js";
import { imi, imiProcess } from "../helpers/imi.js";

describe("the imi binary", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "imi-binary-"));
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  // One pass through each kind of answer (each spawn costs about a second of CPU): a value, help,
  // usage errors in JSON and as text, a coded refusal, a prompt answered from standard input; and
  // nothing written into the working directory.
  const cases: { name: string; args: (root: string) => string[]; input?: string; env?: Record<string, string>; cwd?: boolean; code: number }[] = [
    { name: "--version", args: () => ["--version"], code: EXIT.ok },
    { name: "help of a subcommand", args: () => ["consent", "grant", "--help"], code: EXIT.ok },
    { name: "unknown command, in JSON", args: () => ["--json", "statu"], code: EXIT.usage },
    { name: "unknown option, as text", args: () => ["status", "--no-such-option"], code: EXIT.usage },
    { name: "no node in the data directory", args: (r) => ["--json", "status", "--data-dir", join(r, "missing")], code: EXIT.unavailable },
    { name: "password from standard input, none given", args: () => ["--json", "keys", "create", "--out", "k.json"], input: "", code: EXIT.usage },
  ];

  for (const c of cases)
    it(`${c.name}: exit ${c.code}, and the same output in the test process`, async () => {
      const cwd = await mkdtemp(join(root, "cwd-"));
      const [spawned, here] = [await imiProcess(c.args(root), { cwd, input: c.input, env: c.env }), await imi(c.args(root), { cwd, input: c.input, env: c.env })];
      expect(spawned.code).toBe(c.code);
      expect({ code: here.code, stdout: here.stdout, stderr: here.stderr }).toEqual({ code: spawned.code, stdout: spawned.stdout, stderr: spawned.stderr });
      expect(await readdir(cwd)).toEqual([]);
    });

  it("a run in the test process leaves its environment, working directory, stdin and exit status as they were", async () => {
    const cwd = process.cwd();
    const stdin = process.stdin;
    process.exitCode = undefined;
    const run = await imi(["--json", "status", "--data-dir", join(root, "missing")], { cwd: root, env: { IMI_LANG: "en" } });
    expect(run.code).toBe(EXIT.unavailable);
    expect({ cwd: process.cwd(), stdin: process.stdin === stdin, lang: process.env.IMI_LANG, exitCode: process.exitCode }).toEqual({ cwd, stdin: true, lang: undefined, exitCode: undefined });
  });
});
