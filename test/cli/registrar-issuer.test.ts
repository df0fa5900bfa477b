// The governor, registrar and issuer commands through the real `imi` binary against a running
// node: roles, one registration and a CSV import with rejected rows, key recovery, guardians,
// schemas, issuing, anchoring (single and batched), status changes and a verified presentation.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAgency } from "../../cli/commands/agency/register.js";
import { fixtureRegistrationFile } from "../helpers/agencies.js";
import { grantRole } from "../../cli/commands/roles/grant.js";
import { imi, imiOnTerminal, startTestNode, type TestNode } from "./harness.js";

const newAddress = () => Wallet.createRandom().address;

describe("imi for the governor, registrars and issuers", () => {
  let t: TestNode;
  let d: string[];
  let registrar: string;
  let issuer: string;
  let citizen: string;

  beforeAll(async () => {
    t = await startTestNode();
    d = ["--data-dir", t.dataDir];
    registrar = await t.node.keys.address("registrar-1");
    issuer = await t.node.keys.address("issuer-1");
    await grantRole({ dataDir: t.dataDir, role: "agency", account: await t.node.keys.address("agency-1") });
    await registerAgency({ dataDir: t.dataDir, account: await t.node.keys.address("agency-1"), registration: fixtureRegistrationFile({ "zh-CN": "agency-1", en: "agency-1" }, ["school-enrolment"]) });
  });
  afterAll(async () => t?.close());

  it("roles: the governor grants, lists and revokes; others cannot", async () => {
    const granted = await imi(["roles", "grant", "registrar", registrar, ...d]);
    expect(granted.code).toBe(0);
    expect(granted.stdout).toContain(`granted registrar (role 1) to ${registrar}; allowlisted`);
    const [again, issuerGrant, badRole, notGovernor] = await Promise.all([
      imi(["--json", "roles", "grant", "registrar", registrar, ...d]),
      imi(["--json", "roles", "grant", "issuer", issuer, ...d]),
      imi(["--json", "roles", "grant", "emperor", registrar, ...d]),
      imi(["--json", "roles", "grant", "auditor", registrar, "--key", "agency-1", ...d]),
    ]);
    expect(again.json()).toMatchObject({ ok: true, role: "registrar", roleId: 1, account: registrar, allowlisted: true, txHashes: [] });
    expect(issuerGrant.json()).toMatchObject({ ok: true, role: "issuer", roleId: 2 });
    expect([badRole.code, badRole.json().error?.code]).toEqual([2, "INVALID_ROLE"]);
    expect([notGovernor.code, notGovernor.json().error?.code]).toEqual([1, "AccessManagerUnauthorizedAccount"]);

    const outsider = newAddress();
    await imi(["--json", "roles", "grant", "attester", outsider, ...d]);
    const list = await imi(["--json", "roles", "list", ...d]);
    const members = list.json().members as Array<{ role: string; account: string }>;
    expect(members).toEqual(expect.arrayContaining([expect.objectContaining({ role: "governor" }), expect.objectContaining({ role: "gateway" }), { role: "registrar", roleId: 1, account: registrar, since: expect.any(Number) }, expect.objectContaining({ role: "attester", account: outsider })]));
    const revoked = await imi(["--json", "roles", "revoke", "attester", outsider, ...d]);
    expect(revoked.json()).toMatchObject({ ok: true, role: "attester", allowlisted: false });
    const after = await imi(["roles", "list", "--role", "attester", ...d]);
    expect(after.stdout.trim()).toBe("no role holders");
  });

  it("registrar register: one citizen, and bad records refused before anything is signed", async () => {
    const controller = newAddress();
    const one = await imi(["--json", "registrar", "register", "--key", "registrar-1", "--controller", controller, "--name", "Li Na", "--birth-date", "1990-06-01", "--district", "Chaoyang", "--level", "3", ...d]);
    expect(one.code).toBe(0);
    expect(one.json()).toMatchObject({ ok: true, controller, level: 3 });
    citizen = one.json().citizen as string;
    expect(citizen).toMatch(/^0x[0-9a-f]{64}$/);
    const bad = await Promise.all([
      imi(["--json", "registrar", "register", "--key", "registrar-1", "--controller", newAddress(), "--birth-date", "01/06/1990", ...d]),
      imi(["--json", "registrar", "register", "--key", "registrar-1", "--controller", newAddress(), "--record", '{"shoe":{"size":42}}', ...d]),
      imi(["--json", "registrar", "register", "--key", "registrar-1", "--controller", newAddress(), ...d]),
      imi(["--json", "registrar", "register", "--key", "registrar-1", "--controller", newAddress(), "--name", "X", "--level", "9", ...d]),
      imi(["--json", "registrar", "register", "--controller", newAddress(), "--name", "X", ...d]),
      imi(["--json", "registrar", "register", "--key", "registrar-1", "--controller", controller, "--name", "Again", ...d]),
      imi(["--json", "registrar", "register", "--key", "registrar-1", "--controller", newAddress(), "--birth-date", "1950-02-30", ...d]),
      imi(["--json", "registrar", "register", "--key", "registrar-1", "--controller", newAddress(), "--birth-date", `${new Date().getUTCFullYear() + 1}-06-01`, ...d]),
    ]);
    expect(bad.map((r) => [r.code, r.json().error?.code])).toEqual([
      [2, "INVALID_BIRTH_DATE"],
      [2, "INVALID_RECORD"],
      [2, "INVALID_RECORD"],
      [2, "INVALID_NUMBER"],
      [2, "KEY_REQUIRED"],
      [1, "IdentityRegistryKeyInUse"],
      [2, "INVALID_BIRTH_DATE"],
      [2, "INVALID_BIRTH_DATE"],
    ]);
    // The refusal in words a clerk understands, with the code beside it.
    expect(bad[5]!.json().error).toMatchObject({ code: "IdentityRegistryKeyInUse", reason: "this key already belongs to another citizen" });
    expect(bad[6]!.json().error?.message).toMatch(/1950-02-30 is not a day of the calendar/);
    expect(bad[7]!.json().error?.message).toMatch(/is in the future/);
  });

  it("registrar import: registers the good rows and reports each rejected row with its reason", async () => {
    const [a, b, dup] = [newAddress(), newAddress(), newAddress()];
    const csv = join(t.dataDir, "citizens.csv");
    await writeFile(
      csv,
      [
        "controller,name,id_number,birth_date,district,level",
        `${a},Chan Tai Man,A123456(7),1950-02-03,Haidian,2`,
        `0x1234,Bad Key,,1980-01-01,Haidian,`,
        `${b},Wang Fang,,2012-09-15,Haidian,1`,
        `${newAddress()},Bad Date,,15.09.2012,Haidian,`,
        `${dup},First,,1970-01-01,Chaoyang,`,
        `${dup},Second,,1970-01-01,Chaoyang,`,
        `${newAddress()},Bad Level,,1970-01-01,Chaoyang,7`,
      ].join("\n"),
    );
    const dry = await imi(["--json", "registrar", "import", csv, "--dry-run", "--key", "registrar-1", ...d]);
    expect(dry.json()).toMatchObject({ ok: false, error: { code: "ROWS_REJECTED" }, dryRun: true, total: 7, registered: [] });
    expect(dry.code).toBe(5);
    const run = await imi(["--json", "registrar", "import", csv, "--key", "registrar-1", ...d]);
    expect(run.code).toBe(5);
    const out = run.json() as unknown as { total: number; registered: Array<{ row: number; controller: string }>; rejected: Array<{ row: number; code: string }> };
    expect(out.total).toBe(7);
    expect(out.registered.map((r) => [r.row, r.controller])).toEqual([[2, a], [4, b], [6, dup]]);
    expect(out.rejected.map((r) => [r.row, r.code])).toEqual([
      [3, "INVALID_ADDRESS"],
      [5, "INVALID_BIRTH_DATE"],
      [7, "DUPLICATE_CONTROLLER"],
      [8, "INVALID_NUMBER"],
    ]);
    // Running the same file again, at a terminal: a progress bar over the file's 7 rows that ends
    // full; the 3 that pass the checks are registered already: skipped, not an error; the 4 bad rows stay bad.
    const again = await imiOnTerminal(["registrar", "import", csv, "--key", "registrar-1", ...d]);
    expect(again.code).toBe(5);
    expect(again.stdout).toMatch(/registering \[[^\]]+\] 7\/7 100%/);
    expect(again.stdout).toMatch(/registered now\s+0\r?\n\s+already registered\s+3 \(skipped\)\r?\n\s+rejected\s+4/);
    expect(again.stdout).toMatch(/\n\s+3\s+INVALID_ADDRESS\s/);
    expect(again.stdout).toContain("error [ROWS_REJECTED]");
    const missing = await imi(["--json", "registrar", "import", join(t.dataDir, "nope.csv"), "--key", "registrar-1", ...d]);
    expect([missing.code, missing.json().error?.code]).toEqual([2, "CSV_UNREADABLE"]);
  });

  it("registrar import: rows in flight together; a row refused after signing leaves no nonce gap behind", async () => {
    const twin = `0x${"7e".repeat(32)}`;
    const rows = Array.from({ length: 10 }, (_, i) => `${newAddress()},Citizen ${i},,1980-01-0${(i % 9) + 1},Haidian,2,${i === 0 || i === 8 ? twin : ""}`);
    const csv = join(t.dataDir, "many.csv");
    await writeFile(csv, ["controller,name,id_number,birth_date,district,level,citizen", ...rows].join("\n"));
    const run = await imi(["--json", "registrar", "import", csv, "--key", "registrar-1", ...d]);
    expect({ code: run.code, stdout: run.stdout }).toMatchObject({ code: 5 });
    const out = run.json() as unknown as { registered: Array<{ row: number; citizen: string }>; rejected: Array<{ row: number; code: string }> };
    // The two rows with the same citizen id: one is registered, the other refused by the contract's
    // estimate, the gateway or the chain, whichever saw it first; its nonce is reused or filled.
    expect(out.registered).toHaveLength(9);
    expect(out.registered.filter((r) => r.citizen === twin)).toHaveLength(1);
    expect(out.rejected).toHaveLength(1);
    expect(["CITIZEN_EXISTS", "IdentityRegistryAlreadyRegistered", "CHAIN_REFUSED"]).toContain(out.rejected[0]!.code);
    expect([2, 10]).toContain(out.rejected[0]!.row);
    // Nothing of the registrar's is stuck behind a gap: everything it sent is mined.
    const registrar = await t.node.keys.address("registrar-1");
    const rpc = (method: string, params: unknown[]) =>
      fetch(t.node.info.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) }).then(async (r) => ((await r.json()) as { result: string }).result);
    for (let i = 0; i < 50 && (await rpc("eth_getTransactionCount", [registrar, "pending"])) !== (await rpc("eth_getTransactionCount", [registrar, "latest"])); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await rpc("eth_getTransactionCount", [registrar, "pending"])).toBe(await rpc("eth_getTransactionCount", [registrar, "latest"]));
  });

  it("registrar recover and guardian", async () => {
    const newKey = newAddress();
    const started = await imi(["--json", "registrar", "recover", citizen, "--new-controller", newKey, "--key", "registrar-1", ...d]);
    expect(started.json()).toMatchObject({ ok: true, step: "initiated", citizen, newController: newKey });
    expect(started.json().executableAt as number).toBeGreaterThan(Date.now() / 1000 + 3000);
    const guardianAddress = await t.node.keys.address("guardian-1");
    const [early, guardian, past] = await Promise.all([
      imi(["--json", "registrar", "recover", citizen, "--complete", "--key", "registrar-1", ...d]),
      imi(["--json", "registrar", "guardian", citizen, guardianAddress, "--scopes", "identity,birth", "--until", "2040-01-01", "--key", "registrar-1", ...d]),
      imi(["--json", "registrar", "guardian", citizen, newAddress(), "--scopes", "identity", "--until", "2001-01-01", "--key", "registrar-1", ...d]),
    ]);
    expect(early.code).toBe(1);
    expect(early.json().error?.code).toBe("IdentityRegistryRecoveryNotReady");
    expect(guardian.json()).toMatchObject({ ok: true, citizen, scopes: "3", expiresAt: Date.parse("2040-01-01") / 1000 });
    expect([past.code, past.json().error?.code]).toEqual([2, "INVALID_TIME"]);

    // The guardian acts for the citizen within the appointed categories.
    const agency = await t.node.keys.address("agency-1");
    const consent = await imi(["--json", "consent", "grant", "--key", "guardian-1", "--citizen", citizen, "--agency", agency, "--scopes", "birth", "--purpose", "school-enrolment", "--yes", ...d]);
    expect(consent.json()).toMatchObject({ ok: true, citizen, categories: ["birth"] });
    const outside = await imi(["--json", "consent", "grant", "--key", "guardian-1", "--citizen", citizen, "--agency", agency, "--scopes", "income", "--purpose", "school-enrolment", "--yes", ...d]);
    expect([outside.code, outside.json().error?.code]).toEqual([1, "CHAIN_REFUSED"]);
    // Any node, no data directory: the chain's URL and the deployment file are enough to read.
    const remote = await imi(["--json", "consent", "list", "--citizen", citizen, "--rpc", t.node.info.rpcUrl, "--deployment", join(t.dataDir, "deployment.json"), "--data-dir", join(t.dataDir, "absent")]);
    expect(remote.json().consents).toMatchObject([{ consentId: consent.json().consentId, byGuardian: true, status: "active" }]);
  });

  it("issuer: schema, issue, anchor one and a batch, suspend/reinstate/revoke; an agency verifies a disclosed claim", async () => {
    const schema = await imi(["--json", "issuer", "schema", "register", "--name", "senior-card", "--version", "1", "--trust", issuer, ...d]);
    expect(schema.code).toBe(0);
    const schemaId = schema.json().schemaId as string;
    const listed = await imi(["--json", "issuer", "schema", "list", "--issuer", issuer, ...d]);
    // Among the node's own (the life-event services register theirs at start).
    expect((listed.json().schemas as Array<{ name: string }>).filter((s) => s.name === "senior-card")).toEqual([{ schemaId, name: "senior-card", version: "1", deprecated: false, registeredBlock: expect.any(Number), issuerTrusted: true }]);

    const files = [0, 1, 2].map((i) => join(t.dataDir, `card-${i}.json`));
    const issued = await Promise.all(
      files.map((file, i) => imi(["--json", "issuer", "issue", "--schema", schemaId, "--subject", citizen, "--claims", JSON.stringify({ age_over_65: i !== 1, card: `S-${i}` }), "--out", file, "--key", "issuer-1", ...d])),
    );
    expect(issued.map((r) => r.code)).toEqual([0, 0, 0]);
    const overwrite = await imi(["--json", "issuer", "issue", "--schema", schemaId, "--subject", citizen, "--claims", "{}", "--out", files[0], "--key", "issuer-1", ...d]);
    expect(overwrite.json().error?.code).toBe("INVALID_CLAIMS");

    const single = await imi(["--json", "issuer", "anchor", files[0], "--key", "issuer-1", ...d]);
    expect(single.json()).toMatchObject({ ok: true, mode: "single", anchored: [{ file: files[0] }] });
    const batch = await imi(["--json", "issuer", "anchor", files[1], files[2], "--batch", "--key", "issuer-1", ...d]);
    expect(batch.json()).toMatchObject({ ok: true, mode: "batch", batch: { count: 2 } });
    const stored = JSON.parse(await readFile(files[2], "utf8"));
    expect(stored.batch.root).toBe((batch.json().batch as { root: string }).root);

    const suspended = await imi(["--json", "issuer", "suspend", files[2], "--reason", "7", "--key", "issuer-1", ...d]);
    expect(suspended.json()).toMatchObject({ ok: true, action: "suspend", status: "suspended" });
    expect((await imi(["--json", "issuer", "reinstate", files[2], "--key", "issuer-1", ...d])).json().status).toBe("valid");
    const hash = issued[0].json().credentialHash as string;

    const presentation = join(t.dataDir, "presentation.json");
    const present = await imi(["--json", "citizen", "present", files[2], "--disclose", "age_over_65", "--out", presentation]);
    expect(present.json()).toMatchObject({ ok: true, disclosed: ["age_over_65"] });
    const verified = await imi(["--json", "agency", "verify-credential", presentation, "--subject", citizen, "--key", "agency-1", ...d]);
    expect(verified.json()).toMatchObject({ ok: true, valid: true, status: "valid", claims: { age_over_65: true }, problems: [] });
    expect(JSON.stringify(verified.json())).not.toContain("S-2");

    const revoked = await imi(["issuer", "revoke", hash, "--key", "issuer-1", ...d]);
    expect(revoked.stdout.trim()).toBe(`${hash}: revoked`);
    await imi(["citizen", "present", files[0], "--disclose", "card", "--out", presentation]);
    const refused = await imi(["agency", "verify-credential", presentation, "--key", "agency-1", ...d]);
    expect(refused.stdout).toContain("INVALID credential");
    expect(refused.stdout).toContain("revoked");

    const tampered = JSON.parse(await readFile(files[1], "utf8"));
    tampered.document.subject = `0x${"ab".repeat(32)}`;
    await writeFile(join(t.dataDir, "tampered.json"), JSON.stringify(tampered));
    const [bad, wrongIssuer] = await Promise.all([
      imi(["--json", "issuer", "anchor", join(t.dataDir, "tampered.json"), "--key", "issuer-1", ...d]),
      imi(["--json", "issuer", "anchor", files[1], "--key", "registrar-1", ...d]),
    ]);
    expect([bad.code, bad.json().error?.code]).toEqual([2, "INVALID_CREDENTIAL"]);
    expect([wrongIssuer.code, wrongIssuer.json().error?.code]).toEqual([2, "WRONG_ISSUER"]);
  });
});
