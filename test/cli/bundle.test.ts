// `imi` runs a bundle of itself while it is current (cli/bin/bundle.js) and its sources otherwise.
// The bundle must answer as the sources do, and a changed source must never be hidden behind an
// older bundle.
import { spawnSync } from "node:child_process";
import { statSync, utimesSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { buildBundle, freshBundle } from "../../cli/bin/bundle.js";

const BIN = fileURLToPath(new URL("../../cli/bin/imi.js", import.meta.url));
const imi = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe("the imi bundle", () => {
  beforeAll(async () => {
    await buildBundle();
  }, 120_000);

  it("is used once built, and answers as the sources do", () => {
    expect(freshBundle()).toMatch(/^file:.*\.js$/);
    for (const args of [["--version"], ["--json", "no-such-command"], ["consent", "--help"], ["--json", "status", "--data-dir", "/nonexistent/imi-bundle-test"]]) {
      const bundled = imi(args);
      const sources = imi(args, { IMI_BUNDLE: "0" });
      expect(bundled).toEqual(sources);
    }
  });

  it("is passed by (the sources run) while a file it was built from differs, and used again when it is back", () => {
    const source = fileURLToPath(new URL("../../cli/run.ts", import.meta.url));
    const { atime, mtime, mtimeMs } = statSync(source);
    try {
      utimesSync(source, atime, new Date(mtime.getTime() + 5_000));
      expect(freshBundle()).toBeUndefined();
    } finally {
      // Back to the millisecond the manifest holds. Half a millisecond past it: the seconds go
      // through a double, which cannot hold a whole millisecond exactly and may land just below.
      utimesSync(source, atime, (Math.trunc(mtimeMs) + 0.5) / 1000);
    }
    expect(freshBundle()).toMatch(/^file:/);
  });
});
