// What a person reads: names instead of hex (an agency by its key ring name, else by the label of
// the role it holds on chain; a purpose by its name), an expired consent shown as expired with its
// uses as used/limit, hex only with --json or --verbose; imi --version; imi keys export warns,
// asks and refuses without a terminal unless --yes.
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../cli/CliError.js";
import { registerAgency } from "../../cli/commands/agency/register.js";
import { fixtureRegistrationFile } from "../helpers/agencies.js";
import { grantRole } from "../../cli/commands/roles/grant.js";
import { imi, startTestNode, type TestNode } from "./harness.js";

describe("imi for people: names, states, versions and keys", () => {
  let t: TestNode;
  let d: string[];
  let outsider: { address: string };

  beforeAll(async () => {
    t = await startTestNode();
    d = ["--data-dir", t.dataDir];
    await grantRole({ dataDir: t.dataDir, role: "registrar", account: await t.node.keys.address("registrar-1") });
    await grantRole({ dataDir: t.dataDir, role: "agency", account: await t.node.keys.address("agency-1") });
    // Agencies ask only for what they registered; agency-1 registers under its key ring name.
    await registerAgency({ dataDir: t.dataDir, account: await t.node.keys.address("agency-1"), registration: fixtureRegistrationFile({ "zh-CN": "agency-1", en: "agency-1" }, ["social-benefits"]) });
    // An agency the node's key ring does not know: named by its on-chain role label.
    outsider = Wallet.createRandom();
    await grantRole({ dataDir: t.dataDir, role: "agency", account: outsider.address });
    await registerAgency({ dataDir: t.dataDir, account: outsider.address, registration: fixtureRegistrationFile({ "zh-CN": "区住房局", en: "Housing-Bureau" }, ["housing"]) });
  });
  afterAll(async () => t?.close());

  it("consent list: agencies and purposes by name, an expired consent as expired, uses as used/limit", { timeout: 600_000 }, async () => {
    const controller = await t.node.keys.address("citizen-1");
    const registered = await imi(["--json", "registrar", "register", "--key", "registrar-1", "--controller", controller, "--name", "Li Na", "--birth-date", "1990-06-01", ...d]);
    expect(registered.code).toBe(0);
    const short = await imi(["--json", "consent", "grant", "--key", "citizen-1", "--agency", await t.node.keys.address("agency-1"), "--scopes", "address", "--purpose", "social-benefits", "--for", "20s", "--max-uses", "3", "--yes", ...d]);
    expect(short.code).toBe(0);
    expect(short.json()).toMatchObject({ agencyName: "agency-1" });
    const long = await imi(["--json", "consent", "grant", "--key", "citizen-1", "--agency", outsider.address, "--scopes", "address,birth", "--purpose", "housing", "--for", "30d", "--yes", ...d]);
    expect(long.code).toBe(0);
    // Wait until the short consent's end has passed.
    const until = Number(short.json().validUntil) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now()) + 1_500));

    const [text, json, verbose] = await Promise.all([
      imi(["consent", "list", "--key", "citizen-1", ...d]),
      imi(["--json", "consent", "list", "--key", "citizen-1", ...d]),
      imi(["--verbose", "consent", "list", "--key", "citizen-1", ...d]),
    ]);
    const rows = text.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^CONSENT\s+STATUS\s+AGENCY\s+CATEGORIES\s+PURPOSE\s+UNTIL\s+USES$/);
    expect(rows[1]).toMatch(/\sexpired\s+agency-1\s+address\s+social-benefits\s.*\s0\/3$/);
    // An agency the key ring does not know is named by its registration (AgencyRegistry), not its address.
    expect(rows[2]).toMatch(/\sactive\s+Housing-Bureau\s+birth,address\s+housing\s.*\sunlimited$/);
    // No addresses or purpose codes in the text a person reads, only the consent ids they act on.
    expect(rows.slice(1).map((r) => r.split(/\s+/).slice(1).join(" "))).not.toContainEqual(expect.stringMatching(/0x[0-9a-fA-F]{40}/));
    const consents = json.json().consents as Array<{ agency: string; agencyName: string; purpose: string; purposeName: string; state: string; status: string; uses: number; maxUses: number }>;
    expect(consents.map((c) => [c.agency, c.agencyName, c.purposeName, c.state, c.status, c.uses, c.maxUses])).toEqual([
      [await t.node.keys.address("agency-1"), "agency-1", "social-benefits", "expired", "active", 0, 3],
      [outsider.address, "Housing-Bureau", "housing", "active", "active", 0, 0],
    ]);
    expect(consents[0]!.purpose).toMatch(/^0x[0-9a-f]{64}$/);
    expect(verbose.stdout).toContain(`agency-1 (${await t.node.keys.address("agency-1")})`);
    expect(verbose.stdout).toContain(outsider.address);
  });

  it("imi --version prints the package's version", async () => {
    const [long, short] = await Promise.all([imi(["--version"]), imi(["-V"])]);
    expect([long.code, long.stdout.trim()]).toEqual([0, "0.1.0"]);
    expect(short.stdout.trim()).toBe("0.1.0");
  });

  it("keys export: refuses without a terminal unless --yes, warns, and gives the key or an encrypted keystore", async () => {
    const address = await t.node.keys.address("agency-1");
    const refused = await imi(["--json", "keys", "export", "agency-1", ...d]);
    expect([refused.code, refused.json().error?.code]).toEqual([EXIT.usage, "CONFIRMATION_REQUIRED"]);
    expect(refused.stdout).not.toMatch(/0x[0-9a-f]{64}/);
    const [hex, missing] = await Promise.all([imi(["keys", "export", "agency-1", "--yes", ...d]), imi(["--json", "keys", "export", "nobody", "--yes", ...d])]);
    expect(hex.code).toBe(0);
    expect(new Wallet(hex.stdout.trim()).address).toBe(address);
    expect(hex.stderr).toMatch(/WARNING: this hands out the private key of "agency-1"/);
    expect([missing.code, missing.json().error?.code]).toEqual([EXIT.usage, "KEY_NOT_FOUND"]);
    const file = `${t.dataDir}/agency-1.keystore.json`;
    const out = await imi(["--json", "keys", "export", "agency-1", "--yes", "--out", file, ...d], { env: { IMI_KEYSTORE_PASSWORD: "a long enough password" } });
    expect(out.json()).toEqual({ ok: true, name: "agency-1", address, file });
    expect(out.stdout).not.toMatch(/0x[0-9a-f]{64}/);
    const again = await imi(["--json", "keys", "export", "agency-1", "--yes", "--out", file, ...d], { env: { IMI_KEYSTORE_PASSWORD: "a long enough password" } });
    expect(again.json().error?.code).toBe("FILE_EXISTS");
  });
});
