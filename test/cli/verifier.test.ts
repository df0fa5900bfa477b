// A citizen's one code and a verifier device through the real `imi` binary against a running node:
// `imi citizen code` makes the code, `imi verifier check` checks it online (logged) or --offline
// with the cached gateway account, and `imi verifier upload` sends the offline checks. Refusals are
// errors with the ONE_CODE_* codes.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantRole } from "../../cli/commands/roles/grant.js";
import { imi, startTestNode, type TestNode } from "./harness.js";

describe("imi citizen code and imi verifier", () => {
  let t: TestNode;
  let d: string[];
  let keystore: string;
  let door: string;
  let counter: string;
  let citizen: string;
  const password = { IMI_KEYSTORE_PASSWORD: "a long enough password" };
  const asCitizen = () => ["--keystore", keystore, ...d];
  const code = async (...extra: string[]) => {
    const made = await imi(["--json", "citizen", "code", ...extra, ...asCitizen()], { env: password });
    expect(made.code, made.stdout + made.stderr).toBe(0);
    return made.json().code as string;
  };

  beforeAll(async () => {
    t = await startTestNode();
    d = ["--data-dir", t.dataDir];
    keystore = join(t.dataDir, "citizen-keystore.json");
    const keys = t.node.keys;
    door = await keys.address("door-1");
    counter = await keys.address("counter-1");
    for (const [role, name] of [["registrar", "registrar-1"], ["verifier", "door-1"], ["verifier", "counter-1"], ["agency", "agency-1"]] as const)
      await grantRole({ dataDir: t.dataDir, role, account: await keys.address(name) });
    const created = await imi(["--json", "keys", "create", "--out", keystore], { env: password });
    const registered = await imi(["--json", "registrar", "register", "--key", "registrar-1", "--controller", created.json().address as string, "--name", "Wang Fang", "--birth-date", "1950-02-03", "--district", "Haidian", ...d]);
    expect(registered.code, registered.stdout + registered.stderr).toBe(0);
    citizen = registered.json().citizen as string;
  });
  afterAll(async () => t?.close());

  it("online: a code for this door is verified and logged; shown again it is refused ONE_CODE_REPLAYED", async () => {
    const text = await code("--verifier", door);
    const checked = await imi(["--json", "verifier", "check", text, "--key", "door-1", ...d]);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.json()).toMatchObject({ ok: true, verified: true, offline: false, reason: "ONE_CODE_VERIFIED", citizen, level: 2 });
    expect((checked.json().receipt as { seq: number }).seq).toBeGreaterThan(0);
    const people = await imi(["verifier", "check", text, "--key", "door-1", ...d]);
    expect(people.code).toBe(1);
    expect(people.stderr).toContain("ONE_CODE_REPLAYED");
  });

  it("online: a code made for another verifier is refused ONE_CODE_WRONG_VERIFIER; an agency key may not check codes", async () => {
    const text = await code("--verifier", counter);
    const wrong = await imi(["--json", "verifier", "check", text, "--key", "door-1", ...d]);
    expect(wrong.code).toBe(1);
    expect(wrong.json()).toMatchObject({ ok: false, error: { code: "ONE_CODE_WRONG_VERIFIER" } });
    const agency = await imi(["--json", "verifier", "check", await code(), "--key", "agency-1", ...d]);
    expect(agency.code).toBe(1);
    expect(agency.json().error?.code).toBe("ROLE_NOT_HELD");
  });

  it("offline: prepare caches the gateway's account; check verifies here, refuses a replay, and upload logs the check at its time", async () => {
    const prepared = await imi(["--json", "verifier", "prepare", "--key", "door-1", ...d]);
    expect(prepared.code, prepared.stdout + prepared.stderr).toBe(0);
    expect((prepared.json().gateways as string[])[0].toLowerCase()).toBe(t.node.info.gateway.toLowerCase());
    const text = await code("--verifier", door);
    const checked = await imi(["--json", "verifier", "check", "--offline", text, ...d]);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.json()).toMatchObject({ ok: true, verified: true, offline: true, reason: "ONE_CODE_OFFLINE_VERIFIED", citizen, pending: 1 });
    const at = checked.json().time as number;
    const again = await imi(["--json", "verifier", "check", "--offline", text, ...d]);
    expect(again.code).toBe(1);
    expect(again.json().error?.code).toBe("ONE_CODE_REPLAYED");
    const forOther = await imi(["--json", "verifier", "check", "--offline", await code("--verifier", counter), ...d]);
    expect(forOther.json().error?.code).toBe("ONE_CODE_WRONG_VERIFIER");
    const uploaded = await imi(["--json", "verifier", "upload", "--key", "door-1", ...d]);
    expect(uploaded.code, uploaded.stdout + uploaded.stderr).toBe(0);
    expect(uploaded.json()).toMatchObject({ ok: true, uploaded: 1, pending: 0 });
    expect((uploaded.json().results as Array<Record<string, unknown>>)[0]).toMatchObject({ verified: true, reason: "ONE_CODE_OFFLINE_VERIFIED", citizen, time: at });
    const nothing = await imi(["--json", "verifier", "upload", "--key", "door-1", ...d]);
    expect(nothing.json()).toMatchObject({ ok: true, uploaded: 0 });
    // The citizen's history shows the door's checks, the uploaded one at the time it happened.
    const history = await imi(["--json", "citizen", "history", ...asCitizen()], { env: password });
    const records = history.json().records as Array<{ agency: string; time: number; reason: string; decision: string }>;
    expect(records.find((r) => r.reason === "ONE_CODE_OFFLINE_VERIFIED")).toMatchObject({ time: at, decision: "allowed" });
  });

  it("bad input: not a code is a usage error (exit 2) offline and a coded refusal online; no state means prepare first", async () => {
    const offline = await imi(["--json", "verifier", "check", "--offline", "not a code", ...d]);
    expect(offline.code).toBe(2);
    expect(offline.json().error?.code).toBe("ONE_CODE_MALFORMED");
    const online = await imi(["--json", "verifier", "check", "AQ", "--key", "door-1", ...d]);
    expect(online.code).toBe(1);
    expect(online.json().error?.code).toBe("ONE_CODE_MALFORMED");
    const unprepared = await imi(["--json", "verifier", "check", "--offline", await code(), "--state", join(t.dataDir, "none.json"), ...d]);
    expect(unprepared.code).toBe(3);
    expect(unprepared.json().error?.code).toBe("VERIFIER_NOT_PREPARED");
    const badVerifier = await imi(["--json", "citizen", "code", "--verifier", "0x12", ...asCitizen()], { env: password });
    expect(badVerifier.code).toBe(2);
    expect(badVerifier.json().error?.code).toBe("INVALID_ADDRESS");
  });
});
