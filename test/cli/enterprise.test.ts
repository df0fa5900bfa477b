// Enterprises and credit through the real `imi` binary against a running node: the counter registers
// an enterprise, its legal representative appoints a staff member, the credit authority black-lists it,
// the public lookup shows the entry, the staff member applies for repair, the authority approves from
// its queue, and the lookup shows the entry ended; the legal representative shows the enterprise's
// one code. Bad input is refused with a code and sends nothing.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeOneCode, enterpriseIdOf } from "@imi-ledger/sdk";
import { grantRole } from "../../cli/commands/roles/grant.js";
import { imi, startTestNode, type TestNode } from "./harness.js";

const CODE = "91440300708461136T";

describe("imi enterprise and imi credit", () => {
  let t: TestNode;
  let d: string[];
  let rep: string;
  let staff: string;
  let schemaId: string;
  let entryId: string;

  beforeAll(async () => {
    t = await startTestNode();
    d = ["--data-dir", t.dataDir];
    for (const [role, key] of [
      ["registrar", "registrar-1"],
      ["counter", "counter-1"],
      ["credit_authority", "authority-1"],
      ["verifier", "door-1"],
    ] as const)
      await grantRole({ dataDir: t.dataDir, role, account: await t.node.keys.address(key) });
    const register = async (key: string) => {
      const r = await imi(["--json", "registrar", "register", "--key", "registrar-1", "--controller", await t.node.keys.address(key), "--name", key, ...d]);
      expect(r.code).toBe(0);
      return r.json().citizen as string;
    };
    rep = await register("rep");
    staff = await register("clerk");
  });
  afterAll(async () => t?.close());

  it("the counter registers an enterprise by its code; a mistyped code or a caller without the counter role is refused", async () => {
    const [bad, notCounter] = await Promise.all([
      imi(["--json", "enterprise", "register", "--key", "counter-1", "--code", "91440300708461136X", "--legal-representative", rep, ...d]),
      imi(["--json", "enterprise", "register", "--key", "registrar-1", "--code", CODE, "--legal-representative", rep, ...d]),
    ]);
    expect([bad.code, bad.json().error?.code]).toEqual([2, "INVALID_CREDIT_CODE"]);
    expect([notCounter.code, notCounter.json().error?.code]).toEqual([1, "EnterpriseRegistryUnauthorized"]);
    // The record goes into the vault through the gateway, checked against the commitment just put on chain.
    const record = join(t.dataDir, "enterprise-record.json");
    await writeFile(record, JSON.stringify({ licence: { number: "JY44030020260001", kind: "food-business", validUntil: "2030-12-31", status: "valid" }, tax: { standing: "arrears", asOf: "2026-11-30" } }));
    const ok = await imi(["--json", "enterprise", "register", "--key", "counter-1", "--code", CODE, "--legal-representative", rep, "--name", "示例科技有限公司", "--record", record, ...d]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, enterprise: enterpriseIdOf(CODE), code: CODE, legalRepresentative: rep, categories: ["enterprise", "licence", "tax"] });
    const again = await imi(["--json", "enterprise", "register", "--key", "counter-1", "--code", CODE, "--legal-representative", rep, ...d]);
    expect(again.json().error?.code).toBe("EnterpriseRegistryAlreadyRegistered");
  });

  it("the legal representative appoints a staff member with the credit scope; the enterprise's page shows it", async () => {
    const [badScope, notRep] = await Promise.all([
      imi(["--json", "enterprise", "staff", "appoint", CODE, "--key", "rep", "--staff", staff, "--scopes", "credit,everything", "--until", "2030-01-01", ...d]),
      imi(["--json", "enterprise", "staff", "appoint", CODE, "--key", "clerk", "--staff", staff, "--scopes", "credit", "--until", "2030-01-01", ...d]),
    ]);
    expect([badScope.code, badScope.json().error?.code]).toEqual([2, "INVALID_SCOPES"]);
    // Citizens' signed actions go through the gateway's relay: a contract refusal is CHAIN_REFUSED (the contract's error name is in the gateway's body).
    expect(notRep.json().error?.code).toBe("CHAIN_REFUSED");
    const ok = await imi(["--json", "enterprise", "staff", "appoint", CODE, "--key", "rep", "--staff", staff, "--scopes", "credit,tracker", "--until", "2030-01-01", ...d]);
    expect(ok.json()).toMatchObject({ ok: true, staff, scopes: ["tracker", "credit"] });
    const shown = await imi(["--json", "enterprise", "show", CODE, ...d]);
    expect(shown.json()).toMatchObject({ status: "active", legalRepresentative: rep, staff: [{ staff, scopeNames: ["tracker", "credit"], active: true }] });
    const text = await imi(["enterprise", "show", CODE, ...d]);
    expect(text.stdout).toContain("tracker,credit");
  });

  it("the legal representative shows the enterprise's one code (imi citizen code --enterprise); a verifier device checks it; staff without the identity scope gets none", async () => {
    const challenge = `0x${"ab".repeat(32)}`;
    const [byRep, byStaff, scopesAlone, proved] = await Promise.all([
      imi(["--json", "citizen", "code", "--enterprise", CODE, "--scopes", "consent", "--key", "rep", ...d]),
      imi(["--json", "citizen", "code", "--enterprise", CODE, "--key", "clerk", ...d]),
      imi(["--json", "citizen", "code", "--scopes", "consent", "--key", "rep", ...d]),
      imi(["--json", "citizen", "prove", "--challenge", challenge, "--audience", "tax-bureau", "--enterprise", CODE, "--key", "rep", ...d]),
    ]);
    // The representative's identity proof for the enterprise (checked at the gateway in test/node/gateway/enterpriseIdentity.test.ts).
    expect((proved.json().proof as { message: unknown }).message).toMatchObject({ citizen: rep, enterprise: enterpriseIdOf(CODE), scopes: "8", challenge, audience: "tax-bureau" });
    expect(byRep.code, byRep.stderr).toBe(0);
    expect(byRep.json()).toMatchObject({ ok: true, citizen: rep, enterprise: enterpriseIdOf(CODE), scopes: 9 });
    expect(decodeOneCode(byRep.json().code as string).status).toMatchObject({ citizen: rep, enterprise: enterpriseIdOf(CODE), scopes: 9 });
    expect(byStaff.json().error?.code).toBe("NOT_REPRESENTATIVE");
    // A verifier device checks it online: the holder acts for the enterprise now (logged under the enterprise).
    const checked = await imi(["--json", "verifier", "check", byRep.json().code as string, "--key", "door-1", ...d]);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.json()).toMatchObject({ ok: true, verified: true, citizen: rep, enterprise: enterpriseIdOf(CODE), scopeNames: ["consent", "identity"] });
    expect([scopesAlone.code, scopesAlone.json().error?.code]).toEqual([2, "INVALID_SCOPES"]);
  });

  it("the authority black-lists the enterprise on a public list; the lookup shows the entry", async () => {
    const authority = await t.node.keys.address("authority-1");
    const schema = await imi(["--json", "issuer", "schema", "register", "--name", "tax-arrears-blacklist", "--version", "1", "--trust", authority, ...d]);
    schemaId = schema.json().schemaId as string;
    const badKind = await imi(["--json", "credit", "define-list", "--schema", schemaId, "--kind", "grey", ...d]);
    expect([badKind.code, badKind.json().error?.code]).toEqual([2, "INVALID_LIST_KIND"]);
    expect((await imi(["--json", "credit", "define-list", "--schema", schemaId, "--kind", "black", "--public", ...d])).json()).toMatchObject({ ok: true, kind: "black", published: true });
    const recorded = await imi(["--json", "credit", "record", "--key", "authority-1", "--schema", schemaId, "--subject", CODE, "--legal-basis", "《重大税收违法失信主体信息公布管理办法》第六条", "--reason", "101", "--until", "2030-01-01", ...d]);
    expect(recorded.code, recorded.stdout + recorded.stderr).toBe(0);
    entryId = recorded.json().entryId as string;
    const lookup = await imi(["--json", "credit", "lookup", "--code", CODE, ...d]);
    expect(lookup.json()).toMatchObject({ ok: true, code: CODE, entries: [{ entryId, list: "tax-arrears-blacklist", kind: "black", reason: 101, status: "listed" }] });
  });

  it("the staff member applies for repair, the authority approves from its queue, and the entry ends", async () => {
    const outsider = await imi(["--json", "credit", "repair", "apply", "--key", "registrar-1", "--entry", entryId, "--evidence", "receipt 2026-0042", ...d]);
    expect(outsider.json().error?.code).toBe("CHAIN_REFUSED");
    const applied = await imi(["--json", "credit", "repair", "apply", "--key", "clerk", "--entry", entryId, "--evidence", "tax paid in full, receipt 2026-0042", ...d]);
    expect(applied.json()).toMatchObject({ ok: true, repairId: "1" });
    const queue = await imi(["--json", "credit", "repair", "queue", ...d]);
    expect(queue.json()).toMatchObject({ pending: [{ repairId: "1", entryId, status: "pending" }] });
    const noDecision = await imi(["--json", "credit", "repair", "decide", "1", "--key", "authority-1", "--reason", "201", ...d]);
    expect([noDecision.code, noDecision.json().error?.code]).toEqual([2, "DECISION_REQUIRED"]);
    expect((await imi(["--json", "credit", "repair", "decide", "1", "--approve", "--key", "authority-1", "--reason", "201", ...d])).json()).toMatchObject({ ok: true, approved: true });
    const shown = await imi(["--json", "credit", "show", entryId, ...d]);
    expect(shown.json()).toMatchObject({ status: "ended", repairs: [{ status: "approved", decisionReason: 201 }] });
    expect((await imi(["--json", "credit", "repair", "queue", ...d])).json()).toMatchObject({ pending: [] });
    expect((await imi(["--json", "credit", "lookup", "--code", CODE, ...d])).json()).toMatchObject({ entries: [{ entryId, status: "ended" }] });
  });

  it("the counter records the tax paid (new commitment, record in the vault); the legal representative's tracker shows the entry ended and the repair approved", async () => {
    const record = join(t.dataDir, "enterprise-record-2.json");
    await writeFile(record, JSON.stringify({ enterprise: { code: CODE }, tax: { standing: "good", asOf: "2026-12-01" } }));
    const updated = await imi(["--json", "enterprise", "record", CODE, "--key", "counter-1", "--record", record, ...d]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.json()).toMatchObject({ ok: true, enterprise: enterpriseIdOf(CODE), categories: ["enterprise", "tax"] });
    const tracker = await imi(["--json", "enterprise", "tracker", CODE, "--key", "rep", ...d]);
    expect(tracker.code, tracker.stderr).toBe(0);
    expect(tracker.json()).toMatchObject({
      ok: true,
      enterprise: enterpriseIdOf(CODE),
      viewer: { citizen: rep, asLegalRepresentative: true },
      credit: { entries: [{ entryId, status: "ended", kind: "black" }], repairs: [{ entryId, status: "approved", decisionReason: 201 }] },
    });
  });
});
