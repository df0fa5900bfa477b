// `imi demo` through the real binary on a running node: every step of the story behaves as
// expected and is printed; a second run on the same node reuses what the first seeded.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imi, startTestNode, type TestNode } from "./harness.js";

describe("imi demo", () => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode();
  });
  afterAll(async () => t?.close());

  it("runs the whole story and prints each step", async () => {
    const run = await imi(["demo", "--data-dir", t.dataDir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^demo complete: all \d+ steps behaved as expected/);
    for (const step of [
      "governor grants roles",
      "register Chan Tai Man",
      "citizen grants consent",
      "agency reads the address",
      "agency asks: 65 or older?: yes",
      "another agency without consent is refused: refused as it should be: UNKNOWN_GRANT",
      "citizen proves identity to an agency: verified",
      "agency verifies one claim: valid",
      "citizen revokes the consent: consent is revoked",
      "agency reads again and is refused: refused as it should be: CONSENT_REVOKED",
      "citizen sees every access",
      "auditor traces the citizen",
      "audit verify",
    ])
      expect(run.stderr).toContain(step);
    expect(run.stderr).not.toContain("FAIL");
  });

  it("runs again on the same node, reusing its citizens, and reports in JSON", async () => {
    const run = await imi(["--json", "demo", "--data-dir", t.dataDir]);
    expect(run.code).toBe(0);
    const out = run.json() as unknown as { ok: boolean; steps: Array<{ step: string; ok: boolean; detail: string }>; citizen: string; consentId: string };
    expect(out.ok).toBe(true);
    expect(out.steps.every((s) => s.ok)).toBe(true);
    expect(out.steps.find((s) => s.step === "register Chan Tai Man")?.detail).toMatch(/^already registered as 0x/);
    expect(out.citizen).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it("says so, with exit code 4, when no node is running", async () => {
    const run = await imi(["--json", "demo", "--data-dir", join(t.dataDir, "elsewhere")]);
    expect(run.code).toBe(4);
    expect(run.json().error?.code).toBe("NODE_NOT_RUNNING");
  });
});
