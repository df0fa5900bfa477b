// Citizens, agencies and auditors through the real `imi` binary against a running node: a
// citizen's own keystore, consent with the signed message shown and confirmed on stdin, reads and
// yes/no questions under it, pause/resume/revoke, the access history, identity proofs, and an
// auditor's trace. Bad input is refused with a stable code and nothing is sent.
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAgency } from "../../cli/commands/agency/register.js";
import { fixtureRegistrationFile } from "../helpers/agencies.js";
import { grantRole } from "../../cli/commands/roles/grant.js";
import { imi, startTestNode, type TestNode } from "./harness.js";
import { answerFlippingProxy } from "../helpers/answerFlippingProxy.js";

describe("imi for citizens, agencies and auditors", () => {
  let t: TestNode;
  let d: string[];
  let keystore: string;
  let citizenAddress: string;
  let citizen: string;
  let agency: string;
  let consentId: string;
  const password = { IMI_KEYSTORE_PASSWORD: "a long enough password" };
  const asCitizen = () => ["--keystore", keystore, ...d];
  const asAgency = () => ["--key", "agency-1", ...d];

  beforeAll(async () => {
    t = await startTestNode();
    d = ["--data-dir", t.dataDir];
    keystore = join(t.dataDir, "citizen-keystore.json");
    // Staff keys in the node's key ring, their roles granted the way `imi roles grant` does.
    const keys = t.node.keys;
    agency = await keys.address("agency-1");
    for (const [role, name] of [["registrar", "registrar-1"], ["agency", "agency-1"], ["auditor", "auditor-1"]] as const)
      await grantRole({ dataDir: t.dataDir, role, account: await keys.address(name) });
    // Agencies ask only for what they registered; agency-1 keeps its key ring name.
    await registerAgency({ dataDir: t.dataDir, account: agency, registration: fixtureRegistrationFile({ "zh-CN": "agency-1", en: "agency-1" }, ["social-benefits"]) });
  });
  afterAll(async () => t?.close());

  it("keys create writes an encrypted keystore 0600 and never overwrites it", async () => {
    const created = await imi(["--json", "keys", "create", "--out", keystore], { env: password });
    expect(created.code).toBe(0);
    const out = created.json();
    expect(out).toMatchObject({ ok: true, file: keystore });
    citizenAddress = out.address as string;
    expect((await stat(keystore)).mode & 0o777).toBe(0o600);
    const json = JSON.parse(await readFile(keystore, "utf8"));
    expect(json.address.toLowerCase()).toBe(citizenAddress.slice(2).toLowerCase());
    expect(created.stdout + created.stderr).not.toMatch(/"privateKey"|0x[0-9a-f]{64}/i);

    const again = await imi(["--json", "keys", "create", "--out", keystore], { env: password });
    expect(again.code).toBe(2);
    expect(again.json().error?.code).toBe("FILE_EXISTS");

    const registered = await imi(["--json", "registrar", "register", "--key", "registrar-1", "--controller", citizenAddress, "--name", "Chan Tai Man", "--birth-date", "1950-02-03", "--district", "Haidian", "--record", '{"income":{"yearly":52000}}', ...d]);
    expect(registered.code).toBe(0);
    citizen = registered.json().citizen as string;
  });

  it("consent grant shows exactly what will be signed and sends nothing when the citizen says no", async () => {
    const args = ["consent", "grant", "--agency", agency, "--scopes", "address,income", "--purpose", "social-benefits", "--for", "30d", "--max-uses", "5", ...asCitizen()];
    const declined = await imi(args, { input: "n\n", env: password });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain("GRANT consent");
    expect(declined.stderr).toContain("IMI ConsentRegistry v1, chain 7337");
    expect(declined.stderr).toContain("address, income (bitmask 36)");
    expect(declined.stderr).toContain("social-benefits (0x");
    expect(declined.stderr).toContain(agency);
    expect(declined.stderr).toContain("5 reads");
    expect(declined.stderr).toContain("error [CANCELLED]");
    const none = await imi(["--json", "consent", "list", ...asCitizen()], { env: password });
    expect(none.json().consents).toEqual([]);

    const accepted = await imi(["--json", ...args], { input: "y\n", env: password });
    expect(accepted.code).toBe(0);
    const out = accepted.json();
    expect(out).toMatchObject({ ok: true, citizen, agency, categories: ["address", "income"], purposeName: "social-benefits", maxUses: 5 });
    expect(out.consentId).toMatch(/^0x[0-9a-f]{64}$/);
    consentId = out.consentId as string;

    const listed = await imi(["--json", "consent", "list", ...asCitizen()], { env: password });
    expect(listed.json().consents).toMatchObject([{ consentId, status: "active", categories: ["address", "income"], maxUses: 5 }]);
  });

  it("an agency reads under the consent and asks a yes/no; each answer carries a receipt", async () => {
    const read = await imi(["--json", "agency", "request", "--citizen", citizen, "--scopes", "address", "--purpose", "social-benefits", ...asAgency()]);
    expect(read.code).toBe(0);
    expect(read.json()).toMatchObject({ ok: true, data: { address: { district: "Haidian" } }, basis: "consent", grantId: consentId });
    expect((read.json().receipt as { seq: number }).seq).toBeGreaterThan(0);


    // The consent covers address and income, not birth: the question is refused and logged.
    const [encrypted, ask] = await Promise.all([
      imi(["--json", "agency", "request", "--citizen", citizen, "--scopes", "income", "--purpose", "social-benefits", "--encrypt", ...asAgency()]),
      imi(["--json", "agency", "ask", "--citizen", citizen, "--purpose", "social-benefits", "--resident-of", "Haidian", ...asAgency()]),
    ]);
    expect(encrypted.json()).toMatchObject({ ok: true, encrypted: true, data: { income: { yearly: 52000 } } });
    expect(ask.json()).toMatchObject({ ok: true, result: true, verified: true, predicate: { type: "residentOf", district: "Haidian" } });
    expect((ask.json().signer as string).toLowerCase()).toBe(t.node.info.gateway.toLowerCase());
    expect(JSON.stringify(ask.json())).not.toContain("52000");
    const notCovered = await imi(["--json", "agency", "ask", "--citizen", citizen, "--purpose", "social-benefits", "--age-at-least", "65", ...asAgency()]);
    expect(notCovered.code).toBe(1);
    expect(notCovered.json().error).toMatchObject({ code: "SCOPE_NOT_COVERED" });
    expect(notCovered.json().error?.message).toMatch(/logged as record #\d+/);
  });

  // Regression: `agency ask` printed "YES … signed by the gateway" for an answer a proxy had flipped
  // and signed again with a random key. (The consent allows 5 uses: this ask spends the fourth.)
  it("agency ask refuses an answer a proxy flipped and signed again with its own key", async () => {
    const proxy = await answerFlippingProxy(t.node.info.gatewayUrl, t.node.info.chainId);
    try {
      const forged = await imi(["--json", "agency", "ask", "--citizen", citizen, "--purpose", "social-benefits", "--resident-of", "Haidian", "--gateway", proxy.url, ...asAgency()]);
      expect(proxy.flipped()).toBe(1);
      expect(forged.code).toBe(1);
      expect(forged.json()).toMatchObject({ ok: false, error: { code: "ANSWER_SIGNER_NOT_GATEWAY" } });
      const text = await imi(["agency", "ask", "--citizen", citizen, "--purpose", "social-benefits", "--age-at-least", "65", "--gateway", proxy.url, ...asAgency()]);
      expect(text.code).not.toBe(0); // refused by the gateway (birth is not covered): nothing is printed as an answer
      expect(text.stdout).not.toMatch(/YES|NO:/);
    } finally {
      await proxy.close();
    }
  });

  it("refuses bad input before anything is signed or sent", async () => {
    const cases: Array<[string[], string]> = [
      [["agency", "request", "--citizen", "0x1234", "--scopes", "address", "--purpose", "p", ...asAgency()], "INVALID_ID"],
      [["agency", "request", "--citizen", citizen, "--scopes", "address,shoe-size", "--purpose", "p", ...asAgency()], "INVALID_SCOPES"],
      [["agency", "ask", "--citizen", citizen, "--purpose", "p", "--age-at-least", "18", "--resident-of", "X", ...asAgency()], "INVALID_PREDICATE"],
      [["agency", "request", "--citizen", citizen, "--scopes", "address", "--purpose", "p", "--key", "nobody", ...d], "KEY_NOT_FOUND"],
      [["consent", "grant", "--agency", "0xnope", "--scopes", "address", "--purpose", "p", "--yes", ...asCitizen()], "INVALID_ADDRESS"],
      [["consent", "grant", "--agency", agency, "--scopes", "address", "--purpose", "p", "--for", "forever", "--yes", ...asCitizen()], "INVALID_DURATION"],
      [["audit", "trace", "--from", "yesterday-ish", "--key", "auditor-1", ...d], "INVALID_TIME"],
    ];
    // Independent runs, so they go in parallel.
    const [runs, wrongPassword, noNode] = await Promise.all([
      Promise.all(cases.map(([args]) => imi(["--json", ...args], { env: password }))),
      imi(["--json", "consent", "list", ...asCitizen()], { env: { IMI_KEYSTORE_PASSWORD: "not the password" } }),
      imi(["--json", "consent", "list", "--data-dir", join(t.dataDir, "nothing-here"), "--keystore", keystore], { env: password }),
    ]);
    cases.forEach(([args, code], i) => {
      expect({ args: args.slice(0, 2), code: runs[i].code, error: runs[i].json().error?.code }).toEqual({ args: args.slice(0, 2), code: 2, error: code });
    });
    expect(wrongPassword.json().error?.code).toBe("KEYSTORE_PASSWORD");
    expect(wrongPassword.code).toBe(2);
    expect(noNode.code).toBe(4);
    expect(noNode.json().error?.code).toBe("NODE_NOT_RUNNING");
  });

  it("pause, resume and revoke change what the agency gets at once", async () => {
    const read = () => imi(["--json", "agency", "request", "--citizen", citizen, "--scopes", "address", "--purpose", "social-benefits", ...asAgency()]);
    const paused = await imi(["--json", "consent", "pause", consentId, "--yes", ...asCitizen()], { env: password });
    expect(paused.json()).toMatchObject({ ok: true, action: "pause", status: "paused" });
    const [whilePaused, cannot] = await Promise.all([read(), imi(["--json", "consent", "pause", consentId, "--yes", ...asCitizen()], { env: password })]);
    expect(whilePaused.json().error?.code).toBe("CONSENT_PAUSED");
    expect(cannot.json().error?.code).toBe("CONSENT_STATE");
    expect((await imi(["--json", "consent", "resume", consentId, "--yes", ...asCitizen()], { env: password })).json().status).toBe("active");
    expect((await read()).code).toBe(0);
    const revoke = await imi(["consent", "revoke", consentId, ...asCitizen()], { input: "yes\n", env: password });
    expect(revoke.code).toBe(0);
    expect(revoke.stderr).toContain("REVOKE consent (final)");
    expect(revoke.stdout).toContain("is now revoked");
    const refused = await read();
    expect(refused.code).toBe(1);
    expect(refused.json().error?.code).toBe("CONSENT_REVOKED");
  });

  it("the citizen sees every access with its proof status; the auditor traces by agency", async () => {
    await new Promise((resolve) => setTimeout(resolve, 600)); // let the anchorer cut a batch
    const history = await imi(["--json", "citizen", "history", "--verify", ...asCitizen()], { env: password });
    expect(history.code).toBe(0);
    const records = history.json().records as Array<{ decision: string; reason: string; kind: string; agency: string; proof: string; verified?: boolean; categories: string[] }>;
    expect(records.map((r) => r.reason)).toEqual(
      expect.arrayContaining(["ALLOWED", "SCOPE_NOT_COVERED", "CONSENT_PAUSED", "CONSENT_REVOKED"]),
    );
    expect(records.every((r) => r.agency.toLowerCase() === agency.toLowerCase())).toBe(true);
    expect(records.some((r) => r.proof === "anchored")).toBe(true);
    expect(records.every((r) => ["anchored", "pending", "unbatched"].includes(r.proof))).toBe(true);
    // Each anchored record's inclusion proof checks out against the root on chain.
    expect(records.filter((r) => r.proof === "anchored").every((r) => r.verified === true)).toBe(true);

    const [trace, notAuditor] = await Promise.all([
      imi(["--json", "audit", "trace", "--agency", agency, "--purpose", "social-benefits", "--key", "auditor-1", ...d]),
      imi(["--json", "audit", "trace", ...asAgency()]),
    ]);
    expect(trace.code).toBe(0);
    expect((trace.json().records as unknown[]).length).toBe(records.filter((r) => r.kind !== "identity").length);
    expect(notAuditor.code).toBe(1);
    expect(notAuditor.json().error?.code).toBe("ROLE_NOT_HELD");
  });

  it("proves identity to an agency by answering its challenge", async () => {
    const challenge = await imi(["--json", "agency", "challenge", ...asAgency()]);
    const { challenge: c, audience } = challenge.json() as unknown as { challenge: string; audience: string };
    const proved = await imi(["--json", "citizen", "prove", "--challenge", c, "--audience", audience, ...asCitizen()], { env: password });
    expect(proved.code).toBe(0);
    // What `prove --json` prints goes straight into verify-identity's stdin.
    const verified = await imi(["--json", "agency", "verify-identity", "-", ...asAgency()], { input: proved.stdout });
    expect(verified.json()).toMatchObject({ ok: true, verified: true, reason: "IDENTITY_VERIFIED", citizen, level: 2 });
    // A proof is good once: the challenge is used up.
    await writeFile(join(t.dataDir, "junk.json"), "{}");
    const [replay, junk] = await Promise.all([
      imi(["agency", "verify-identity", JSON.stringify(proved.json().proof), ...asAgency()]),
      imi(["--json", "agency", "verify-identity", join(t.dataDir, "junk.json"), ...asAgency()]),
    ]);
    expect(replay.stdout).toContain("NOT VERIFIED: UNKNOWN_CHALLENGE");
    expect(junk.json().error?.code).toBe("INVALID_PROOF");
  });
});
