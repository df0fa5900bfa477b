// `imi demo`: registration only; the story (demo/story.ts) loads when the command runs.
import { resolve } from "node:path";
import type { Command } from "commander";
import { CliError } from "../CliError.js";
import { action } from "../internal/action.js";
import { withNodeOptions, type NodeOptions } from "../internal/options.js";
import type { Printer } from "../internal/output.js";

export function registerDemo(program: Command): void {
  withNodeOptions(program.command("demo").description("run the whole story on the running node: register, consent, access, predicate, revoke, refusal, tracker, audit"))
    .action(
      action(async (out: Printer, options: NodeOptions) => {
        const { demo } = await import("./demo/story.js");
        const result = await demo({ ...options, dataDir: resolve(options.dataDir) }, (s) => out.note(`${s.ok ? "ok  " : "FAIL"}  ${s.step}: ${s.detail}`));
        const failed = result.steps.filter((s) => !s.ok);
        if (failed.length > 0) throw new CliError("DEMO_FAILED", `${failed.length} step(s) did not behave as expected: ${failed.map((s) => `${s.step} (${s.detail})`).join("; ")}`);
        out.result(result, (r) => `demo complete: all ${r.steps.length} steps behaved as expected`);
      }),
    );
}
