import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hexlify, randomBytes } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { deployImi, type ImiContract, ROLE, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";
import { CONSENT_TYPES, code, domainOf, signTyped } from "../helpers/typedData.js";

const randomId = () => hexlify(randomBytes(32));
const IDENTITY = 1n << 0n;
const ADDRESS = 1n << 2n;
const HEALTH = 1n << 4n;
const INCOME = 1n << 5n;
const BENEFITS = code("social-benefits");
const HOUSING = code("housing-benefit");

const PROFILE = {
  nameZh: "区住房保障中心",
  nameEn: "District Housing Security Centre",
  contact: "12345 转 6",
  legalBasisZh: "《公共租赁住房管理办法》第七条",
  legalBasisEn: "Public Rental Housing Regulation, art. 7",
};
const declare = (purpose: string, scopes: bigint, names: [string, string] = ["社会福利审核", "Social benefits assessment"]) => ({
  purpose,
  scopes,
  nameZh: names[0],
  nameEn: names[1],
});

describe("AgencyRegistry: agencies may ask only for what they registered", () => {
  let f: ImiFixture;
  let registry: ImiContract;
  let consents: ImiContract;
  let identity: ImiContract;
  /** Holds the agency role; registered in beforeEach for BENEFITS: address + income only. */
  let housing: HardhatEthersSigner;
  let citizenKey: HardhatEthersSigner;
  let citizen: string;
  let snapshotId: string | undefined;
  let base: string;

  beforeAll(async () => {
    f = await deployImi();
    registry = f.contracts.agencyRegistry;
    consents = f.contracts.consentRegistry;
    identity = f.contracts.identityRegistry;
    [housing, citizenKey] = [f.accounts.others[5]!, f.accounts.others[6]!];
    await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(ROLE.AGENCY, housing.address, 0)).wait();
    citizen = randomId();
    await (await identity.connect(f.accounts.registrar).register(citizen, citizenKey.address, randomId(), 2)).wait();
    base = await f.snapshot();
  });
  beforeEach(async () => {
    await f.revert(snapshotId ?? base);
    snapshotId = await f.snapshot();
  });

  const register = (scopes = ADDRESS | INCOME) => registry.connect(f.accounts.governor).register(housing.address, PROFILE, [declare(BENEFITS, scopes)]);

  async function request(overrides: Record<string, unknown> = {}) {
    const now = await f.now();
    return { citizen, agency: housing.address, scopes: ADDRESS, purpose: BENEFITS, validFrom: now, validUntil: now + 86_400, maxUses: 0, ...overrides };
  }

  async function signGrant(req: Record<string, unknown>) {
    const deadline = (await f.now()) + 3600;
    const nonce = await consents.nonces(citizenKey.address);
    const domain = domainOf("IMI ConsentRegistry", f.chainId, await consents.getAddress());
    const signature = await signTyped(citizenKey, domain, CONSENT_TYPES, "Grant", { ...req, nonce, deadline });
    return { signer: citizenKey.address, deadline, signature };
  }

  const statutory = async (scopes: bigint, purpose = BENEFITS) => {
    const now = await f.now();
    return consents.connect(f.accounts.governor).grantStatutory(citizen, housing.address, scopes, purpose, code("housing-act-7"), now, now + 86_400);
  };

  describe("registration", () => {
    it("the governor registers the profile (text in the event, its hash on chain) and the declared purposes", async () => {
      const receipt = await (await register()).wait();
      const events = receipt.logs.map((l: { topics: string[]; data: string }) => registry.interface.parseLog(l)).filter(Boolean);
      const registered = events.find((e: { name: string }) => e.name === "AgencyRegistered");
      expect(registered.args.agency).toBe(housing.address);
      expect(registered.args.profile.nameZh).toBe(PROFILE.nameZh);
      expect(registered.args.profile.legalBasisEn).toBe(PROFILE.legalBasisEn);
      const declared = events.find((e: { name: string }) => e.name === "AgencyPurposeDeclared");
      expect([declared.args.purpose, declared.args.scopes, declared.args.nameZh]).toEqual([BENEFITS, ADDRESS | INCOME, "社会福利审核"]);

      const r = await registry.getRegistration(housing.address);
      expect(r.profileHash).toBe(await registry.profileHashOf(PROFILE));
      expect(r.registeredAt).toBeGreaterThan(0n);
      expect(await registry.isRegistered(housing.address)).toBe(true);
      expect(await registry.scopesFor(housing.address, BENEFITS)).toBe(ADDRESS | INCOME);
      expect(await registry.excessScopes(housing.address, BENEFITS, ADDRESS | HEALTH | IDENTITY)).toBe(HEALTH | IDENTITY);
      expect(await registry.excessScopes(housing.address, HOUSING, ADDRESS)).toBe(ADDRESS);
    });

    it("only the governor registers and declares; empty texts, a zero purpose and an unnamed purpose are refused", async () => {
      await expectRevert(registry.connect(housing).register(housing.address, PROFILE, []), "AccessManagedUnauthorized", [housing.address]);
      await expectRevert(registry.connect(f.accounts.registrar).declarePurposes(housing.address, []), "AccessManagedUnauthorized");
      await expectRevert(registry.connect(f.accounts.governor).declarePurposes(housing.address, [declare(BENEFITS, ADDRESS)]), "AgencyRegistryNotRegistered", [housing.address]);
      const gov = registry.connect(f.accounts.governor);
      await expectRevert(gov.register(housing.address, { ...PROFILE, legalBasisZh: "" }, []), "AgencyRegistryEmptyText", [3n]);
      await expectRevert(gov.register(housing.address, { ...PROFILE, nameEn: "" }, []), "AgencyRegistryEmptyText", [1n]);
      await expectRevert(gov.register("0x" + "0".repeat(40), PROFILE, []), "AgencyRegistryZeroAddress");
      await expectRevert(gov.register(housing.address, PROFILE, [declare("0x" + "0".repeat(64), ADDRESS)]), "AgencyRegistryZeroPurpose");
      await expectRevert(gov.register(housing.address, PROFILE, [declare(BENEFITS, ADDRESS, ["", "Benefits"])]), "AgencyRegistryUnnamedPurpose", [BENEFITS]);
      expect(await registry.isRegistered(housing.address)).toBe(false);
    });
  });

  describe("consents (direct and signed) and statutory grants", () => {
    it("an agency with the role but no registration receives nothing: every asked category is named as excess", async () => {
      await expectRevert(consents.connect(citizenKey).grant(await request()), "ConsentRegistryAgencyNotRegisteredFor", [housing.address, BENEFITS, ADDRESS]);
      const req = await request({ scopes: ADDRESS | INCOME });
      await expectRevert(consents.grantBySig(req, await signGrant(req)), "ConsentRegistryAgencyNotRegisteredFor", [housing.address, BENEFITS, ADDRESS | INCOME]);
      await expectRevert(statutory(ADDRESS), "ConsentRegistryAgencyNotRegisteredFor", [housing.address, BENEFITS, ADDRESS]);
    });

    it("direct: within the registration is granted; an over-asking agency and an unregistered purpose are refused naming the excess", async () => {
      await (await register()).wait();
      await (await consents.connect(citizenKey).grant(await request({ scopes: ADDRESS | INCOME }))).wait();
      expect(await consents.latestConsent(citizen, housing.address, BENEFITS)).not.toBe("0x" + "0".repeat(64));
      await expectRevert(consents.connect(citizenKey).grant(await request({ scopes: ADDRESS | HEALTH })), "ConsentRegistryAgencyNotRegisteredFor", [housing.address, BENEFITS, HEALTH]);
      await expectRevert(consents.connect(citizenKey).grant(await request({ purpose: HOUSING })), "ConsentRegistryAgencyNotRegisteredFor", [housing.address, HOUSING, ADDRESS]);
    });

    it("signed: the same refusals on the relayed path, and the refused signature's nonce stays unused", async () => {
      await (await register()).wait();
      const over = await request({ scopes: ADDRESS | HEALTH | IDENTITY });
      const auth = await signGrant(over);
      await expectRevert(consents.connect(f.accounts.gateway).grantBySig(over, auth), "ConsentRegistryAgencyNotRegisteredFor", [housing.address, BENEFITS, HEALTH | IDENTITY]);
      const undeclared = await request({ purpose: HOUSING });
      await expectRevert(consents.connect(f.accounts.gateway).grantBySig(undeclared, await signGrant(undeclared)), "ConsentRegistryAgencyNotRegisteredFor", [housing.address, HOUSING, ADDRESS]);
      expect(await consents.nonces(citizenKey.address)).toBe(0n);
      const within = await request({ scopes: INCOME });
      await (await consents.connect(f.accounts.gateway).grantBySig(within, await signGrant(within))).wait();
      expect(await consents.nonces(citizenKey.address)).toBe(1n);
    });

    it("statutory: the governor's grant is bounded by the agency's registration too", async () => {
      await (await register()).wait();
      await expectRevert(statutory(ADDRESS | HEALTH), "ConsentRegistryAgencyNotRegisteredFor", [housing.address, BENEFITS, HEALTH]);
      await expectRevert(statutory(ADDRESS, HOUSING), "ConsentRegistryAgencyNotRegisteredFor", [housing.address, HOUSING, ADDRESS]);
      await (await statutory(ADDRESS | INCOME)).wait();
    });

    it("registration narrowed after a consent: new grants beyond it are refused; the existing consent stays on chain (the gateway refuses its use)", async () => {
      await (await register()).wait();
      await (await consents.connect(citizenKey).grant(await request({ scopes: ADDRESS | INCOME }))).wait();
      const id = await consents.latestConsent(citizen, housing.address, BENEFITS);
      await (await registry.connect(f.accounts.governor).declarePurposes(housing.address, [declare(BENEFITS, ADDRESS)])).wait();
      expect(await registry.excessScopes(housing.address, BENEFITS, ADDRESS | INCOME)).toBe(INCOME);
      await expectRevert(consents.connect(citizenKey).grant(await request({ scopes: ADDRESS | INCOME })), "ConsentRegistryAgencyNotRegisteredFor", [housing.address, BENEFITS, INCOME]);
      // Nothing is rewritten on chain: the consent's record is as the citizen gave it.
      expect((await consents.getConsent(id)).scopes).toBe(ADDRESS | INCOME);
      // Withdrawn entirely (scopes 0): nothing under the purpose any more.
      await (await registry.connect(f.accounts.governor).declarePurposes(housing.address, [declare(BENEFITS, 0n)])).wait();
      await expectRevert(consents.connect(citizenKey).grant(await request()), "ConsentRegistryAgencyNotRegisteredFor", [housing.address, BENEFITS, ADDRESS]);
    });

    it("registration narrowed after the grant: check and mayAccess answer AgencyNotRegisteredFor on the direct and signed consents and the statutory grant, as the gateway refuses", async () => {
      const NOT_REGISTERED_FOR = 13n;
      const ALLOWED = 0n;
      await (await register()).wait();
      await (await consents.connect(citizenKey).grant(await request({ scopes: ADDRESS | INCOME }))).wait();
      const direct = await consents.latestConsent(citizen, housing.address, BENEFITS);
      const signedReq = await request({ scopes: ADDRESS | INCOME, maxUses: 5 });
      await (await consents.connect(f.accounts.gateway).grantBySig(signedReq, await signGrant(signedReq))).wait();
      const signed = await consents.latestConsent(citizen, housing.address, BENEFITS);
      expect(signed).not.toBe(direct);
      const st = await (await statutory(ADDRESS | INCOME)).wait();
      const grantId = st!.logs.map((l: { topics: string[]; data: string }) => consents.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "StatutoryAccessGranted")!.args.grantId as string;
      for (const id of [direct, signed, grantId]) expect(await consents.check(id, housing.address, citizen, INCOME, BENEFITS)).toBe(ALLOWED);

      await (await registry.connect(f.accounts.governor).declarePurposes(housing.address, [declare(BENEFITS, ADDRESS)])).wait();
      for (const id of [direct, signed, grantId]) {
        expect(await consents.check(id, housing.address, citizen, INCOME, BENEFITS)).toBe(NOT_REGISTERED_FOR);
        expect(await consents.check(id, housing.address, citizen, ADDRESS | INCOME, BENEFITS)).toBe(NOT_REGISTERED_FOR);
        // What is still registered stays allowed.
        expect(await consents.check(id, housing.address, citizen, ADDRESS, BENEFITS)).toBe(ALLOWED);
      }
      const [allowed, , decision] = await consents.mayAccess(housing.address, citizen, INCOME, BENEFITS);
      expect([allowed, decision]).toEqual([false, NOT_REGISTERED_FOR]);
      // A limited consent's use is counted under its own terms: beyond the registration now, so no use.
      await expectRevert(consents.connect(f.accounts.gateway).consume(signed), "ConsentRegistryNotUsable", [signed, NOT_REGISTERED_FOR]);
      // Other refusals keep their own reason: a wrong purpose is still WrongPurpose.
      expect(await consents.check(direct, housing.address, citizen, ADDRESS, HOUSING)).toBe(5n);
      // Declared again in full: allowed again (the registration is read at each check).
      await (await registry.connect(f.accounts.governor).declarePurposes(housing.address, [declare(BENEFITS, ADDRESS | INCOME)])).wait();
      expect(await consents.check(signed, housing.address, citizen, INCOME, BENEFITS)).toBe(ALLOWED);
    });
  });

  it("gas per new operation (figures for docs/agencies.md)", async () => {
    const gov = registry.connect(f.accounts.governor);
    const gas = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint }> }>) => (await (await tx).wait()).gasUsed;
    const registerOne = await gas(register());
    const declareOne = await gas(gov.declarePurposes(housing.address, [declare(HOUSING, ADDRESS, ["住房保障", "Housing benefit"])]));
    const reregister = await gas(gov.register(housing.address, PROFILE, []));
    const grant = await gas(consents.connect(citizenKey).grant(await request()));
    console.info(JSON.stringify({ registerWithOnePurpose: Number(registerOne), declareOnePurpose: Number(declareOne), replaceProfile: Number(reregister), grantWithinRegistration: Number(grant) }));
    expect(registerOne).toBeGreaterThan(0n);
  });
});
