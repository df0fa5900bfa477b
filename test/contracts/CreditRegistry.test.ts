import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZeroHash, hexlify, randomBytes } from "ethers";
import { ENTERPRISE_SCOPES, creditTypes, enterpriseIdOf } from "@imi-ledger/sdk";
import { deployImi, type ImiContract, ROLE, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";
import { code, domainOf, signTyped, toHighS } from "../helpers/typedData.js";

const randomId = () => hexlify(randomBytes(32));
const Kind = { None: 0, Red: 1, Black: 2 } as const;
const Status = { Unknown: 0n, Listed: 1n, NotYetListed: 2n, Expired: 3n, Ended: 4n } as const;
const Repair = { None: 0n, Pending: 1n, Approved: 2n, Rejected: 3n } as const;
const REASON_UNPAID_TAX = 101;
const REASON_TAX_SETTLED = 201;
const REASON_EVIDENCE_INSUFFICIENT = 301;
const TAX_BLACKLIST = code('{"name":"tax-arrears-blacklist","version":"1"}');
const A_CREDIT_TAXPAYER = code('{"name":"a-grade-taxpayer","version":"1"}');
const LEGAL_BASIS = code("《重大税收违法失信主体信息公布管理办法》第六条");
const CODE = "91110000600037341L";

describe("CreditRegistry", () => {
  let f: ImiFixture;
  let credit: ImiContract;
  let snapshotId: string;
  const authority = () => f.accounts.others[7];
  const counter = () => f.accounts.others[8];
  const citizenKey = () => f.accounts.others[0];
  const repKey = () => f.accounts.others[1];
  const staffKey = () => f.accounts.others[2];
  const outsider = () => f.accounts.others[3];
  let citizenId: string;
  let repId: string;
  let staffId: string;
  const enterprise = enterpriseIdOf(CODE);
  const domain = async () => domainOf("IMI CreditRegistry", f.chainId, await credit.getAddress());

  beforeAll(async () => {
    f = await deployImi();
    credit = f.contracts.creditRegistry;
    const gov = f.accounts.governor;
    await (await f.contracts.accessManager.connect(gov).grantRole(ROLE.CREDIT_AUTHORITY, authority().address, 0)).wait();
    await (await f.contracts.accessManager.connect(gov).grantRole(ROLE.COUNTER, counter().address, 0)).wait();
    for (const [schema, name] of [
      [TAX_BLACKLIST, "tax-arrears-blacklist"],
      [A_CREDIT_TAXPAYER, "a-grade-taxpayer"],
    ] as const) {
      await (await f.contracts.credentialRegistry.connect(gov).registerSchema(schema, name, "1")).wait();
      await (await f.contracts.credentialRegistry.connect(gov).setIssuerTrust(schema, authority().address, true)).wait();
    }
    await (await credit.connect(gov).defineList(TAX_BLACKLIST, Kind.Black, true)).wait();
    await (await credit.connect(gov).defineList(A_CREDIT_TAXPAYER, Kind.Red, true)).wait();
    [citizenId, repId, staffId] = [randomId(), randomId(), randomId()];
    for (const [id, key] of [
      [citizenId, citizenKey()],
      [repId, repKey()],
      [staffId, staffKey()],
    ] as const) {
      await (await f.contracts.identityRegistry.connect(f.accounts.registrar).register(id, key.address, randomId(), 2)).wait();
    }
    await (await f.contracts.enterpriseRegistry.connect(counter()).register(enterprise, randomId(), repId)).wait();
  });
  beforeEach(async () => {
    if (snapshotId) await f.revert(snapshotId);
    snapshotId = await f.snapshot();
  });

  async function listed(subject: string = enterprise, schema = TAX_BLACKLIST, endsIn = 365 * 86400) {
    const entryId = randomId();
    const now = await f.now();
    await (await credit.connect(authority()).recordEntry(entryId, subject, schema, LEGAL_BASIS, REASON_UNPAID_TAX, now, now + endsIn)).wait();
    return entryId;
  }

  describe("lists", () => {
    it("the governor declares a registered credential schema a red or black list, public or not, once", async () => {
      const list = await credit.getList(TAX_BLACKLIST);
      expect([list.kind, list.published]).toEqual([BigInt(Kind.Black), true]);
      const gov = credit.connect(f.accounts.governor);
      await expectRevert(gov.defineList(TAX_BLACKLIST, Kind.Red, false), "CreditRegistryListExists", [TAX_BLACKLIST]);
      const unknown = code("no-such-schema");
      await expectRevert(gov.defineList(unknown, Kind.Black, true), "CreditRegistryUnknownSchema", [unknown]);
      await expectRevert(gov.defineList(TAX_BLACKLIST, Kind.None, true), "CreditRegistryInvalidKind");
      await expectRevert(credit.connect(authority()).defineList(unknown, Kind.Black, true), "CreditRegistryUnauthorized", [authority().address, ROLE.GOVERNOR]);
    });
  });

  describe("entries", () => {
    it("a trusted credit authority lists a citizen or an enterprise with legal basis, reason, start and end", async () => {
      const entryId = await listed();
      const entry = await credit.getEntry(entryId);
      expect(entry.subject).toBe(enterprise);
      expect(entry.schemaId).toBe(TAX_BLACKLIST);
      expect(entry.legalBasis).toBe(LEGAL_BASIS);
      expect(entry.authority).toBe(authority().address);
      expect(entry.subjectKind).toBe(2n);
      expect(entry.reason).toBe(BigInt(REASON_UNPAID_TAX));
      expect(await credit.entryStatus(entryId)).toBe(Status.Listed);
      expect(await credit.isListed(enterprise, TAX_BLACKLIST)).toBe(true);
      expect(await credit.isListed(enterprise, A_CREDIT_TAXPAYER)).toBe(false);
      expect(await credit.entriesOf(enterprise, TAX_BLACKLIST)).toEqual([entryId]);
      const red = await listed(citizenId, A_CREDIT_TAXPAYER);
      expect((await credit.getEntry(red)).subjectKind).toBe(1n);
      expect(await credit.isListed(citizenId, A_CREDIT_TAXPAYER)).toBe(true);
    });

    it("an entry is listed only between its start and its end", async () => {
      const now = await f.now();
      const later = randomId();
      await (await credit.connect(authority()).recordEntry(later, enterprise, TAX_BLACKLIST, LEGAL_BASIS, 1, now + 1000, now + 2000)).wait();
      expect(await credit.entryStatus(later)).toBe(Status.NotYetListed);
      expect(await credit.isListed(enterprise, TAX_BLACKLIST)).toBe(false);
      await f.increaseTime(1000);
      expect(await credit.isListed(enterprise, TAX_BLACKLIST)).toBe(true);
      await f.increaseTime(1000);
      expect(await credit.entryStatus(later)).toBe(Status.Expired);
      expect(await credit.isListed(enterprise, TAX_BLACKLIST)).toBe(false);
    });

    it("refuses an untrusted or role-less authority, an undefined list, an unknown subject, a bad window, zero hashes and a reused id", async () => {
      const now = await f.now();
      const asAuthority = credit.connect(authority());
      await expectRevert(
        credit.connect(f.accounts.issuer).recordEntry(randomId(), enterprise, TAX_BLACKLIST, LEGAL_BASIS, 1, now, 0),
        "CreditRegistryUnauthorized",
        [f.accounts.issuer.address, ROLE.CREDIT_AUTHORITY],
      );
      // The role without the schema's trust is not enough.
      await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(ROLE.CREDIT_AUTHORITY, outsider().address, 0)).wait();
      await expectRevert(
        credit.connect(outsider()).recordEntry(randomId(), enterprise, TAX_BLACKLIST, LEGAL_BASIS, 1, now, 0),
        "CreditRegistryUntrustedAuthority",
        [TAX_BLACKLIST, outsider().address],
      );
      const unlisted = code("residence-certificate");
      await expectRevert(asAuthority.recordEntry(randomId(), enterprise, unlisted, LEGAL_BASIS, 1, now, 0), "CreditRegistryUnknownList", [unlisted]);
      const nobody = randomId();
      await expectRevert(asAuthority.recordEntry(randomId(), nobody, TAX_BLACKLIST, LEGAL_BASIS, 1, now, 0), "CreditRegistryUnknownSubject", [nobody]);
      await expectRevert(asAuthority.recordEntry(randomId(), enterprise, TAX_BLACKLIST, LEGAL_BASIS, 1, now + 10, now + 10), "CreditRegistryInvalidWindow");
      await expectRevert(asAuthority.recordEntry(randomId(), enterprise, TAX_BLACKLIST, LEGAL_BASIS, 1, now - 100, now - 1), "CreditRegistryInvalidWindow");
      await expectRevert(asAuthority.recordEntry(ZeroHash, enterprise, TAX_BLACKLIST, LEGAL_BASIS, 1, now, 0), "CreditRegistryZeroHash");
      await expectRevert(asAuthority.recordEntry(randomId(), enterprise, TAX_BLACKLIST, ZeroHash, 1, now, 0), "CreditRegistryZeroHash");
      const entryId = await listed();
      await expectRevert(asAuthority.recordEntry(entryId, enterprise, TAX_BLACKLIST, LEGAL_BASIS, 1, now, 0), "CreditRegistryEntryExists", [entryId]);
    });

    it("the authority ends an entry early with a reason; an ended entry stays on the record", async () => {
      const entryId = await listed();
      await expectRevert(credit.connect(outsider()).endEntry(entryId, 9), "CreditRegistryUnauthorized");
      await (await credit.connect(authority()).endEntry(entryId, 9)).wait();
      const entry = await credit.getEntry(entryId);
      expect(entry.endedAt).toBeGreaterThan(0n);
      expect(entry.endReason).toBe(9n);
      expect(await credit.entryStatus(entryId)).toBe(Status.Ended);
      expect(await credit.isListed(enterprise, TAX_BLACKLIST)).toBe(false);
      await expectRevert(credit.connect(authority()).endEntry(entryId, 9), "CreditRegistryEntryNotActive", [entryId, Status.Ended]);
    });
  });

  describe("repair", () => {
    it("direct: the enterprise applies through its staff (credit scope), the authority approves, the entry ends", async () => {
      const entryId = await listed();
      await (await f.contracts.enterpriseRegistry.connect(repKey()).appointStaff(enterprise, staffId, ENTERPRISE_SCOPES.credit, (await f.now()) + 86400)).wait();
      const evidence = code("tax paid in full, receipt 2026-0042");
      await (await credit.connect(staffKey()).applyForRepair(entryId, evidence)).wait();
      const repairId = await credit.pendingRepairOf(entryId);
      expect(repairId).toBe(1n);
      const application = await credit.getRepair(repairId);
      expect([application.entryId, application.evidenceHash, application.applicant, application.status]).toEqual([entryId, evidence, staffKey().address, Repair.Pending]);
      // One application at a time.
      await expectRevert(credit.connect(repKey()).applyForRepair(entryId, evidence), "CreditRegistryRepairPending", [entryId, repairId]);
      await expectRevert(credit.connect(outsider()).decideRepair(repairId, true, REASON_TAX_SETTLED), "CreditRegistryUnauthorized");
      await (await credit.connect(authority()).decideRepair(repairId, true, REASON_TAX_SETTLED)).wait();
      const decided = await credit.getRepair(repairId);
      expect([decided.status, decided.decidedBy, decided.decisionReason]).toEqual([Repair.Approved, authority().address, BigInt(REASON_TAX_SETTLED)]);
      expect(await credit.entryStatus(entryId)).toBe(Status.Ended);
      expect(await credit.isListed(enterprise, TAX_BLACKLIST)).toBe(false);
      expect(await credit.pendingRepairOf(entryId)).toBe(0n);
      await expectRevert(credit.connect(authority()).decideRepair(repairId, false, 1), "CreditRegistryRepairDecided", [repairId, Repair.Approved]);
    });

    it("a rejection keeps the entry listed and lets the subject apply again", async () => {
      const entryId = await listed(citizenId);
      await (await credit.connect(citizenKey()).applyForRepair(entryId, code("evidence 1"))).wait();
      await (await credit.connect(authority()).decideRepair(1, false, REASON_EVIDENCE_INSUFFICIENT)).wait();
      expect((await credit.getRepair(1)).status).toBe(Repair.Rejected);
      expect(await credit.isListed(citizenId, TAX_BLACKLIST)).toBe(true);
      await (await credit.connect(citizenKey()).applyForRepair(entryId, code("evidence 2"))).wait();
      expect(await credit.pendingRepairOf(entryId)).toBe(2n);
      expect(await credit.repairCount()).toBe(2n);
    });

    it("refuses an out-of-scope representative, an outsider, a red-list entry, an expired entry, zero evidence and unknown ids", async () => {
      const entryId = await listed();
      // Staff without the credit scope.
      await (await f.contracts.enterpriseRegistry.connect(repKey()).appointStaff(enterprise, staffId, ENTERPRISE_SCOPES.consent, (await f.now()) + 86400)).wait();
      await expectRevert(credit.connect(staffKey()).applyForRepair(entryId, code("e")), "CreditRegistryNotSubject", [entryId, staffKey().address]);
      await expectRevert(credit.connect(outsider()).applyForRepair(entryId, code("e")), "CreditRegistryNotSubject", [entryId, outsider().address]);
      // A citizen's entry: only the citizen's key.
      const citizenEntry = await listed(citizenId);
      await expectRevert(credit.connect(repKey()).applyForRepair(citizenEntry, code("e")), "CreditRegistryNotSubject");
      const red = await listed(enterprise, A_CREDIT_TAXPAYER);
      await expectRevert(credit.connect(repKey()).applyForRepair(red, code("e")), "CreditRegistryNotRepairable", [red]);
      await expectRevert(credit.connect(repKey()).applyForRepair(entryId, ZeroHash), "CreditRegistryZeroHash");
      const unknown = randomId();
      await expectRevert(credit.connect(repKey()).applyForRepair(unknown, code("e")), "CreditRegistryUnknownEntry", [unknown]);
      await expectRevert(credit.connect(authority()).decideRepair(99, true, 1), "CreditRegistryUnknownRepair", [99n]);
      const short = await listed(enterprise, TAX_BLACKLIST, 100);
      await f.increaseTime(100);
      await expectRevert(credit.connect(repKey()).applyForRepair(short, code("e")), "CreditRegistryEntryNotActive", [short, Status.Expired]);
    });

    it("signed: a relayer files the legal representative's application; replay, other domain, high-s and other evidence are refused", async () => {
      const entryId = await listed();
      const relayer = credit.connect(f.accounts.others[9]);
      const deadline = (await f.now()) + 3600;
      const evidence = code("evidence");
      const message = { entryId, evidenceHash: evidence, nonce: 0n, deadline };
      const good = await signTyped(repKey(), await domain(), creditTypes, "ApplyForRepair", message);
      const auth = (signature: string) => ({ signer: repKey().address, deadline, signature });
      const invalid = ["ImiSignedInvalidSignature", [repKey().address]] as const;
      const otherDomain = await signTyped(repKey(), domainOf("IMI CreditRegistry", f.chainId, await f.contracts.enterpriseRegistry.getAddress()), creditTypes, "ApplyForRepair", message);
      await expectRevert(relayer.applyForRepairBySig(entryId, evidence, auth(otherDomain)), ...invalid);
      await expectRevert(relayer.applyForRepairBySig(entryId, evidence, auth(toHighS(good))), ...invalid);
      await expectRevert(relayer.applyForRepairBySig(entryId, code("other evidence"), auth(good)), ...invalid);
      await (await relayer.applyForRepairBySig(entryId, evidence, auth(good))).wait();
      const application = await credit.getRepair(await credit.pendingRepairOf(entryId));
      expect(application.applicant).toBe(repKey().address);
      await (await credit.connect(authority()).decideRepair(1, false, 1)).wait();
      await expectRevert(relayer.applyForRepairBySig(entryId, evidence, auth(good)), ...invalid);
    });
  });
});
