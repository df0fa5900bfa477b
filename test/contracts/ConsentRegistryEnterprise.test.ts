// An enterprise as the subject of a consent: its legal representative or staff holding the consent
// scope grant, pause, resume and revoke it with their own citizen keys, directly or signed.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hexlify, randomBytes } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ENTERPRISE_SCOPES, enterpriseIdOf } from "@imi-ledger/sdk";
import { deployImi, type ImiContract, ROLE, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";
import { CONSENT_TYPES, code, domainOf, signTyped } from "../helpers/typedData.js";

const randomId = () => hexlify(randomBytes(32));
const D = { Allowed: 0n, WrongCitizen: 3n, Paused: 8n, Revoked: 9n, CitizenInactive: 10n, Expired: 7n } as const;
const Status = { Active: 1n, Paused: 2n, Revoked: 3n } as const;
const CREDENTIALS = 1n << 7n;
const TAX_AUDIT = code("tax-audit");
const CODE = "91350100M000100Y43";

describe("ConsentRegistry: enterprises as subjects", () => {
  let f: ImiFixture;
  let consents: ImiContract;
  let enterprises: ImiContract;
  let snapshotId: string;
  const enterprise = enterpriseIdOf(CODE);
  const counter = () => f.accounts.others[8];
  const rep = () => f.accounts.others[0];
  const clerk = () => f.accounts.others[1];
  const creditClerk = () => f.accounts.others[2];
  const outsider = () => f.accounts.others[3];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    f = await deployImi();
    consents = f.contracts.consentRegistry;
    enterprises = f.contracts.enterpriseRegistry;
    await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(ROLE.COUNTER, counter().address, 0)).wait();
    for (const [name, key] of [["rep", rep()], ["clerk", clerk()], ["creditClerk", creditClerk()], ["outsider", outsider()]] as const) {
      ids[name] = randomId();
      await (await f.contracts.identityRegistry.connect(f.accounts.registrar).register(ids[name], key.address, randomId(), 2)).wait();
    }
    await (await enterprises.connect(counter()).register(enterprise, randomId(), ids.rep)).wait();
    const until = (await f.now()) + 90 * 24 * 3600;
    await (await enterprises.connect(rep()).appointStaff(enterprise, ids.clerk, ENTERPRISE_SCOPES.consent | ENTERPRISE_SCOPES.tracker, until)).wait();
    await (await enterprises.connect(rep()).appointStaff(enterprise, ids.creditClerk, ENTERPRISE_SCOPES.credit, until)).wait();
  });
  beforeEach(async () => {
    if (snapshotId) await f.revert(snapshotId);
    snapshotId = await f.snapshot();
  });

  const domain = async (chainId = f.chainId, address?: string) => domainOf("IMI ConsentRegistry", chainId, address ?? (await consents.getAddress()));

  async function request(overrides: Record<string, unknown> = {}) {
    const now = await f.now();
    return { citizen: enterprise, agency: f.accounts.agency.address, scopes: CREDENTIALS, purpose: TAX_AUDIT, validFrom: now, validUntil: now + 30 * 24 * 3600, maxUses: 0, ...overrides };
  }

  async function grantedId(tx: Promise<{ wait(): Promise<unknown> }>): Promise<string> {
    const receipt = (await (await tx).wait()) as { logs: Array<{ topics: string[]; data: string }> };
    for (const log of receipt.logs) {
      const parsed = consents.interface.parseLog(log);
      if (parsed?.name === "ConsentGranted") return parsed.args.consentId as string;
    }
    throw new Error("no ConsentGranted event");
  }

  async function sign(signer: HardhatEthersSigner, type: string, message: Record<string, unknown>, extra: { nonce?: bigint; deadline?: number; chainId?: bigint; address?: string } = {}) {
    const deadline = extra.deadline ?? (await f.now()) + 3600;
    const nonce = extra.nonce ?? (await consents.nonces(signer.address));
    const signature = await signTyped(signer, await domain(extra.chainId, extra.address), CONSENT_TYPES, type, { ...message, nonce, deadline });
    return { signer: signer.address, deadline, signature };
  }

  const check = (id: string, req: { agency: string; citizen: string; scopes: bigint; purpose: string }) => consents.check(id, req.agency, req.citizen, req.scopes, req.purpose);

  it("direct: the legal representative grants the enterprise's consent; pause, resume and revoke follow the state machine", async () => {
    const req = await request();
    const id = await grantedId(consents.connect(rep()).grant(req));
    const stored = await consents.getConsent(id);
    expect([stored.citizen, stored.grantedBy, stored.byGuardian, stored.status]).toEqual([enterprise, rep().address, false, Status.Active]);
    expect(await check(id, req)).toBe(D.Allowed);
    expect(await consents.latestConsent(enterprise, req.agency, TAX_AUDIT)).toBe(id);
    const [allowed, , decision] = await consents.mayAccess(req.agency, enterprise, CREDENTIALS, TAX_AUDIT);
    expect([allowed, decision]).toEqual([true, D.Allowed]);
    await (await consents.connect(rep()).pause(id)).wait();
    expect(await check(id, req)).toBe(D.Paused);
    await (await consents.connect(clerk()).resume(id)).wait();
    expect(await check(id, req)).toBe(D.Allowed);
    await (await consents.connect(clerk()).revoke(id)).wait();
    expect(await check(id, req)).toBe(D.Revoked);
    // A consent of the enterprise names the enterprise: the representative's own identity is another subject.
    expect(await check(id, { ...req, citizen: ids.rep })).toBe(D.WrongCitizen);
  });

  it("signed: staff holding the consent scope sign grant, pause, resume and revoke; a relayer submits them", async () => {
    const req = await request();
    const relayer = consents.connect(f.accounts.gateway);
    const id = await grantedId(relayer.grantBySig(req, await sign(clerk(), "Grant", req)));
    expect((await consents.getConsent(id)).grantedBy).toBe(clerk().address);
    for (const [type, status] of [["Pause", Status.Paused], ["Resume", Status.Active], ["Revoke", Status.Revoked]] as const) {
      const auth = await sign(clerk(), type, { consentId: id });
      await (await relayer.getFunction(`${type.toLowerCase()}BySig`)(id, auth)).wait();
      expect((await consents.getConsent(id)).status).toBe(status);
    }
    expect(await consents.nonces(clerk().address)).toBe(4n);
  });

  it("refuses staff without the consent scope, an outsider, the agency, and staff whose appointment expired or was removed", async () => {
    const req = await request();
    for (const key of [creditClerk(), outsider(), f.accounts.agency]) {
      await expectRevert(consents.connect(key).grant(req), "ConsentRegistryUnauthorized", [enterprise, key.address, CREDENTIALS]);
      await expectRevert(consents.grantBySig(req, await sign(key, "Grant", req)), "ConsentRegistryUnauthorized");
    }
    const id = await grantedId(consents.connect(rep()).grant(req));
    await expectRevert(consents.connect(creditClerk()).pause(id), "ConsentRegistryUnauthorized", [enterprise, creditClerk().address, CREDENTIALS]);
    await expectRevert(consents.pauseBySig(id, await sign(outsider(), "Pause", { consentId: id })), "ConsentRegistryUnauthorized");

    // Expired appointment: past the 90 days, the clerk acts for the enterprise no more; the consent it granted stands.
    const byClerk = await grantedId(consents.connect(clerk()).grant(await request({ purpose: code("evidence") })));
    await f.increaseTime(91 * 24 * 3600);
    const late = await request();
    await expectRevert(consents.connect(clerk()).grant(late), "ConsentRegistryUnauthorized", [enterprise, clerk().address, CREDENTIALS]);
    await expectRevert(consents.grantBySig(late, await sign(clerk(), "Grant", late)), "ConsentRegistryUnauthorized");
    await expectRevert(consents.connect(clerk()).revoke(byClerk), "ConsentRegistryUnauthorized");
    expect((await consents.getConsent(byClerk)).status).toBe(Status.Active);
    // The consent belonged to the enterprise, not to the clerk: it lapses only with its own window (30 days, passed).
    expect(await consents.lapseOf(byClerk)).toBe(0n);
    expect(await check(byClerk, { ...req, purpose: code("evidence") })).toBe(D.Expired);
  });

  it("refuses a removed staff member, and a former legal representative after the counter records a new one", async () => {
    await (await enterprises.connect(rep()).removeStaff(enterprise, ids.clerk)).wait();
    const req = await request();
    await expectRevert(consents.connect(clerk()).grant(req), "ConsentRegistryUnauthorized");
    await (await enterprises.connect(counter()).changeLegalRepresentative(enterprise, ids.outsider)).wait();
    await expectRevert(consents.connect(rep()).grant(req), "ConsentRegistryUnauthorized", [enterprise, rep().address, CREDENTIALS]);
    const id = await grantedId(consents.connect(outsider()).grant(req));
    expect(await check(id, req)).toBe(D.Allowed);
  });

  it("signed: refuses replay, another chain, another contract's domain, an expired deadline and altered terms", async () => {
    const req = await request();
    const relayer = consents.connect(f.accounts.gateway);
    const invalid = ["ImiSignedInvalidSignature", [clerk().address]] as const;
    await expectRevert(relayer.grantBySig(req, await sign(clerk(), "Grant", req, { chainId: f.chainId + 1n })), ...invalid);
    // The EnterpriseRegistry's domain (where staff sign appointments) is not the ConsentRegistry's.
    const wrongDomain = await signTyped(clerk(), domainOf("IMI EnterpriseRegistry", f.chainId, await enterprises.getAddress()), CONSENT_TYPES, "Grant", { ...req, nonce: 0n, deadline: (await f.now()) + 3600 });
    await expectRevert(relayer.grantBySig(req, { signer: clerk().address, deadline: (await f.now()) + 3600, signature: wrongDomain }), ...invalid);
    await expectRevert(relayer.grantBySig(req, await sign(clerk(), "Grant", req, { deadline: (await f.now()) - 1 })), "ImiSignedExpired");
    const good = await sign(clerk(), "Grant", req);
    await expectRevert(relayer.grantBySig({ ...req, citizen: ids.clerk }, good), ...invalid);
    await (await relayer.grantBySig(req, good)).wait();
    await expectRevert(relayer.grantBySig(req, good), ...invalid);
  });

  it("a deregistered enterprise grants nothing and its consents stop counting; an unknown enterprise is an inactive subject", async () => {
    const req = await request();
    const id = await grantedId(consents.connect(rep()).grant(req));
    await (await enterprises.connect(counter()).deregister(enterprise, code("deregistered"))).wait();
    expect(await check(id, req)).toBe(D.CitizenInactive);
    await expectRevert(consents.connect(rep()).grant(req), "ConsentRegistryInactiveCitizen", [enterprise]);
    await expectRevert(consents.connect(rep()).revoke(id), "ConsentRegistryInactiveCitizen", [enterprise]);
    const unknown = enterpriseIdOf("91440300708461136T");
    await expectRevert(consents.connect(rep()).grant(await request({ citizen: unknown })), "ConsentRegistryInactiveCitizen", [unknown]);
  });

  it("a statutory grant may name the enterprise: it covers the enterprise only, ends with its deregistration, and an unknown or deregistered enterprise is refused", async () => {
    const now = await f.now();
    const grant = (subject: string) =>
      consents.connect(f.accounts.governor).grantStatutory(subject, f.accounts.agency.address, CREDENTIALS, TAX_AUDIT, code("tax-collection-act-38"), now, now + 86_400);
    // Only the governor grants, for the enterprise as for a citizen.
    await expectRevert(consents.connect(rep()).grantStatutory(enterprise, f.accounts.agency.address, CREDENTIALS, TAX_AUDIT, code("x"), now, now + 86_400), "AccessManagedUnauthorized");
    const receipt = (await (await grant(enterprise)).wait()) as { logs: Array<{ topics: string[]; data: string }> };
    const event = receipt.logs.map((l) => consents.interface.parseLog(l)).find((e) => e?.name === "StatutoryAccessGranted")!;
    const grantId = event.args.grantId as string;
    expect(event.args.citizen).toBe(enterprise);
    expect((await consents.getStatutoryGrant(grantId)).citizen).toBe(enterprise);
    const terms = { agency: f.accounts.agency.address, citizen: enterprise, scopes: CREDENTIALS, purpose: TAX_AUDIT };
    expect(await check(grantId, terms)).toBe(D.Allowed);
    // Not its legal representative, not another subject.
    expect(await check(grantId, { ...terms, citizen: ids.rep })).toBe(D.WrongCitizen);
    const unknown = enterpriseIdOf("91440300708461136T");
    await expectRevert(grant(unknown), "ConsentRegistryInactiveCitizen", [unknown]);
    await (await enterprises.connect(counter()).deregister(enterprise, code("deregistered"))).wait();
    expect(await check(grantId, terms)).toBe(D.CitizenInactive);
    await expectRevert(grant(enterprise), "ConsentRegistryInactiveCitizen", [enterprise]);
  });

  it("a consent granted for the enterprise is not a consent of its representative, and the reverse", async () => {
    // The representative's own consent (as a citizen) does not let the agency read the enterprise.
    const own = await request({ citizen: ids.rep });
    const ownId = await grantedId(consents.connect(rep()).grant(own));
    expect(await check(ownId, { ...own, citizen: enterprise })).toBe(D.WrongCitizen);
    // Staff of the enterprise are not guardians of its representative.
    await expectRevert(consents.connect(clerk()).grant(own), "ConsentRegistryUnauthorized", [ids.rep, clerk().address, CREDENTIALS]);
  });
});
