import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZeroAddress, ZeroHash, hexlify, randomBytes } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { deployImi, type ImiContract, ROLE, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";
import { CONSENT_TYPES, code, domainOf, signTyped, toCompact, toHighS } from "../helpers/typedData.js";

const randomId = () => hexlify(randomBytes(32));

/** ConsentRegistry.Decision, by name. */
const D = {
  Allowed: 0n,
  UnknownGrant: 1n,
  WrongAgency: 2n,
  WrongCitizen: 3n,
  ScopeNotCovered: 4n,
  WrongPurpose: 5n,
  NotYetValid: 6n,
  Expired: 7n,
  Paused: 8n,
  Revoked: 9n,
  CitizenInactive: 10n,
  AgencyNotAuthorized: 11n,
  GuardianLapsed: 12n,
} as const;
const Lapse = { None: 0n, GuardianRemoved: 1n, GuardianExpired: 2n, GuardianReplaced: 3n } as const;
const Status = { None: 0n, Active: 1n, Paused: 2n, Revoked: 3n } as const;

const ADDRESS = 1n << 2n;
const INCOME = 1n << 5n;
const HEALTH = 1n << 4n;
const BENEFITS = code("social-benefits");

describe("ConsentRegistry", () => {
  let f: ImiFixture;
  let consents: ImiContract;
  let identity: ImiContract;
  let snapshotId: string;

  beforeAll(async () => {
    f = await deployImi();
    consents = f.contracts.consentRegistry;
    identity = f.contracts.identityRegistry;
  });
  beforeEach(async () => {
    if (snapshotId) await f.revert(snapshotId);
    snapshotId = await f.snapshot();
  });

  const domain = async (chainId = f.chainId, address?: string) =>
    domainOf("IMI ConsentRegistry", chainId, address ?? (await consents.getAddress()));

  async function citizenWith(controller: HardhatEthersSigner | string) {
    const citizen = randomId();
    const key = typeof controller === "string" ? controller : controller.address;
    await (await identity.connect(f.accounts.registrar).register(citizen, key, randomId(), 2)).wait();
    return citizen;
  }

  async function request(citizen: string, overrides: Record<string, unknown> = {}) {
    const now = await f.now();
    return {
      citizen,
      agency: f.accounts.agency.address,
      scopes: ADDRESS | INCOME,
      purpose: BENEFITS,
      validFrom: now,
      validUntil: now + 30 * 24 * 3600,
      maxUses: 10,
      ...overrides,
    };
  }

  async function grantedId(tx: Promise<{ wait(): Promise<unknown> }>): Promise<string> {
    const receipt = (await (await tx).wait()) as { logs: Array<{ topics: string[]; data: string }> };
    for (const log of receipt.logs) {
      const parsed = consents.interface.parseLog(log);
      if (parsed?.name === "ConsentGranted") return parsed.args.consentId as string;
    }
    throw new Error("no ConsentGranted event");
  }

  async function signGrant(signer: HardhatEthersSigner, req: Record<string, unknown>, extra: { nonce?: bigint; deadline?: number } = {}) {
    const deadline = extra.deadline ?? (await f.now()) + 3600;
    const nonce = extra.nonce ?? (await consents.nonces(signer.address));
    const signature = await signTyped(signer, await domain(), CONSENT_TYPES, "Grant", { ...req, nonce, deadline });
    return { signer: signer.address, deadline, signature };
  }

  async function signStatus(signer: HardhatEthersSigner, type: "Revoke" | "Pause" | "Resume" | "Confirm", consentId: string) {
    const deadline = (await f.now()) + 3600;
    const nonce = await consents.nonces(signer.address);
    const signature = await signTyped(signer, await domain(), CONSENT_TYPES, type, { consentId, nonce, deadline });
    return { signer: signer.address, deadline, signature };
  }

  const check = (id: string, req: { agency: string; citizen: string; scopes: bigint; purpose: string }) =>
    consents.check(id, req.agency, req.citizen, req.scopes, req.purpose);

  describe("grant", () => {
    it("direct: the citizen's key grants; the view allows exactly what was granted", async () => {
      const citizenKey = f.accounts.others[0];
      const citizen = await citizenWith(citizenKey);
      const req = await request(citizen);
      const id = await grantedId(consents.connect(citizenKey).grant(req));
      const stored = await consents.getConsent(id);
      expect(stored.status).toBe(Status.Active);
      expect(stored.grantedBy).toBe(citizenKey.address);
      expect(stored.byGuardian).toBe(false);
      expect(stored.maxUses).toBe(10n);
      expect(await check(id, req)).toBe(D.Allowed);
      expect(await check(id, { ...req, scopes: ADDRESS })).toBe(D.Allowed);
      expect(await check(id, { ...req, scopes: HEALTH })).toBe(D.ScopeNotCovered);
      expect(await check(id, { ...req, scopes: 0n })).toBe(D.ScopeNotCovered);
      expect(await check(id, { ...req, purpose: code("marketing") })).toBe(D.WrongPurpose);
      expect(await check(id, { ...req, agency: f.accounts.agency2.address })).toBe(D.WrongAgency);
      expect(await check(id, { ...req, citizen: randomId() })).toBe(D.WrongCitizen);
      expect(await check(randomId(), req)).toBe(D.UnknownGrant);
      const [allowed, latest, decision] = await consents.mayAccess(req.agency, citizen, ADDRESS, BENEFITS);
      expect([allowed, latest, decision]).toEqual([true, id, D.Allowed]);
      expect(await consents.latestConsent(citizen, req.agency, BENEFITS)).toBe(id);
    });

    it("signed: a relayer submits the citizen's signed grant", async () => {
      const citizenKey = f.accounts.others[0];
      const citizen = await citizenWith(citizenKey);
      const req = await request(citizen);
      const auth = await signGrant(citizenKey, req);
      const id = await grantedId(consents.connect(f.accounts.gateway).grantBySig(req, auth));
      expect((await consents.getConsent(id)).grantedBy).toBe(citizenKey.address);
      expect(await consents.nonces(citizenKey.address)).toBe(1n);
      expect(await check(id, req)).toBe(D.Allowed);
    });

    it("signed: refuses replay, other chain, other deployment, high-s, compact, expired, wrong nonce, altered terms", async () => {
      const citizenKey = f.accounts.others[0];
      const citizen = await citizenWith(citizenKey);
      const req = await request(citizen);
      const relayer = consents.connect(f.accounts.gateway);
      const good = await signGrant(citizenKey, req);
      const invalid = ["ImiSignedInvalidSignature", [citizenKey.address]] as const;
      const message = { ...req, nonce: 0n, deadline: good.deadline };
      const withSig = (signature: string) => ({ ...good, signature });

      const otherChain = await signTyped(citizenKey, await domain(f.chainId + 1n), CONSENT_TYPES, "Grant", message);
      await expectRevert(relayer.grantBySig(req, withSig(otherChain)), ...invalid);
      const otherDeployment = await signTyped(
        citizenKey,
        await domain(f.chainId, await identity.getAddress()),
        CONSENT_TYPES,
        "Grant",
        message,
      );
      await expectRevert(relayer.grantBySig(req, withSig(otherDeployment)), ...invalid);
      await expectRevert(relayer.grantBySig(req, withSig(toHighS(good.signature))), ...invalid);
      await expectRevert(relayer.grantBySig(req, withSig(toCompact(good.signature))), ...invalid);
      await expectRevert(relayer.grantBySig(req, await signGrant(citizenKey, req, { nonce: 5n })), ...invalid);
      await expectRevert(relayer.grantBySig({ ...req, scopes: ADDRESS | INCOME | HEALTH }, good), ...invalid);
      const past = (await f.now()) - 10;
      await expectRevert(
        relayer.grantBySig(req, await signGrant(citizenKey, req, { deadline: past })),
        "ImiSignedExpired",
      );
      await expectRevert(relayer.grantBySig(req, { ...good, signer: ZeroAddress }), "ImiSignedZeroSigner");
      expect(await consents.nonces(citizenKey.address)).toBe(0n);

      await (await relayer.grantBySig(req, good)).wait();
      await expectRevert(relayer.grantBySig(req, good), ...invalid);
    });

    it("signed: a smart-contract wallet citizen signs through ERC-1271", async () => {
      const owner = f.accounts.others[6];
      const wallet = await f.ethers.deployContract("ERC1271Wallet", [owner.address]);
      const walletAddress = await wallet.getAddress();
      const citizen = await citizenWith(walletAddress);
      const req = await request(citizen);
      const deadline = (await f.now()) + 3600;
      const signature = await signTyped(owner, await domain(), CONSENT_TYPES, "Grant", { ...req, nonce: 0n, deadline });
      const id = await grantedId(consents.grantBySig(req, { signer: walletAddress, deadline, signature }));
      expect((await consents.getConsent(id)).grantedBy).toBe(walletAddress);
      // Direct path through the wallet too.
      const data = consents.interface.encodeFunctionData("grant", [await request(citizen, { purpose: code("tax") })]);
      await (await (wallet.connect(owner) as ImiContract).execute(await consents.getAddress(), data)).wait();
      expect(await consents.latestConsent(citizen, req.agency, code("tax"))).not.toBe(ZeroHash);
    });

    it("refuses bad terms and unauthorized granters, changing nothing", async () => {
      const citizenKey = f.accounts.others[0];
      const citizen = await citizenWith(citizenKey);
      const as = consents.connect(citizenKey);
      const now = await f.now();
      await expectRevert(as.grant(await request(citizen, { agency: ZeroAddress })), "ConsentRegistryZeroAddress");
      await expectRevert(
        as.grant(await request(citizen, { agency: f.accounts.others[3].address })),
        "ConsentRegistryNotAnAgency",
        [f.accounts.others[3].address],
      );
      await expectRevert(as.grant(await request(citizen, { scopes: 0n })), "ConsentRegistryInvalidScopes");
      await expectRevert(as.grant(await request(citizen, { purpose: ZeroHash })), "ConsentRegistryZeroHash");
      await expectRevert(
        as.grant(await request(citizen, { validFrom: now + 100, validUntil: now + 100 })),
        "ConsentRegistryInvalidWindow",
      );
      await expectRevert(
        as.grant(await request(citizen, { validFrom: now - 100, validUntil: now - 1 })),
        "ConsentRegistryInvalidWindow",
      );
      await expectRevert(
        consents.connect(f.accounts.others[1]).grant(await request(citizen)),
        "ConsentRegistryUnauthorized",
        [citizen, f.accounts.others[1].address, ADDRESS | INCOME],
      );
      await expectRevert(
        consents.connect(f.accounts.agency).grant(await request(citizen)),
        "ConsentRegistryUnauthorized",
      );
      await expectRevert(as.grant(await request(randomId())), "ConsentRegistryInactiveCitizen");
      expect(await consents.latestConsent(citizen, f.accounts.agency.address, BENEFITS)).toBe(ZeroHash);
    });
  });

  describe("window", () => {
    it("is not valid before validFrom nor from validUntil on", async () => {
      const citizenKey = f.accounts.others[0];
      const citizen = await citizenWith(citizenKey);
      const now = await f.now();
      const req = await request(citizen, { validFrom: now + 1000, validUntil: now + 2000 });
      const id = await grantedId(consents.connect(citizenKey).grant(req));
      expect(await check(id, req)).toBe(D.NotYetValid);
      await f.increaseTime(1000);
      expect(await check(id, req)).toBe(D.Allowed);
      await f.increaseTime(1000);
      expect(await check(id, req)).toBe(D.Expired);
    });

    it("follows the citizen and the agency: deactivation and a revoked agency role deny", async () => {
      const citizenKey = f.accounts.others[0];
      const citizen = await citizenWith(citizenKey);
      const req = await request(citizen);
      const id = await grantedId(consents.connect(citizenKey).grant(req));
      await (await f.contracts.accessManager.connect(f.accounts.governor).revokeRole(ROLE.AGENCY, req.agency)).wait();
      expect(await check(id, req)).toBe(D.AgencyNotAuthorized);
      await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(ROLE.AGENCY, req.agency, 0)).wait();
      expect(await check(id, req)).toBe(D.Allowed);
      await (await identity.connect(f.accounts.registrar).deactivate(citizen, code("emigrated"))).wait();
      expect(await check(id, req)).toBe(D.CitizenInactive);
      await expectRevert(consents.connect(citizenKey).revoke(id), "ConsentRegistryInactiveCitizen");
    });
  });

  describe("revoke, pause, resume", () => {
    it("direct: pause denies, resume restores, revoke is final", async () => {
      const citizenKey = f.accounts.others[0];
      const citizen = await citizenWith(citizenKey);
      const req = await request(citizen);
      const id = await grantedId(consents.connect(citizenKey).grant(req));
      const as = consents.connect(citizenKey);
      await (await as.pause(id)).wait();
      expect(await check(id, req)).toBe(D.Paused);
      await expectRevert(as.pause(id), "ConsentRegistryInvalidTransition", [id, Status.Paused, Status.Paused]);
      await (await as.resume(id)).wait();
      expect(await check(id, req)).toBe(D.Allowed);
      await expectRevert(as.resume(id), "ConsentRegistryInvalidTransition");
      await (await as.revoke(id)).wait();
      expect(await check(id, req)).toBe(D.Revoked);
      expect((await consents.getConsent(id)).status).toBe(Status.Revoked);
      await expectRevert(as.resume(id), "ConsentRegistryInvalidTransition", [id, Status.Revoked, Status.Active]);
      await expectRevert(as.revoke(id), "ConsentRegistryInvalidTransition");
      await expectRevert(as.pause(id), "ConsentRegistryInvalidTransition");
      await expectRevert(as.revoke(randomId()), "ConsentRegistryUnknownConsent");
    });

    it("signed: pause, resume and revoke by the citizen's signature", async () => {
      const citizenKey = f.accounts.others[0];
      const citizen = await citizenWith(citizenKey);
      const req = await request(citizen);
      const id = await grantedId(consents.connect(citizenKey).grant(req));
      const relayer = consents.connect(f.accounts.gateway);
      await (await relayer.pauseBySig(id, await signStatus(citizenKey, "Pause", id))).wait();
      expect(await check(id, req)).toBe(D.Paused);
      await (await relayer.resumeBySig(id, await signStatus(citizenKey, "Resume", id))).wait();
      expect(await check(id, req)).toBe(D.Allowed);
      const revokeAuth = await signStatus(citizenKey, "Revoke", id);
      // A Pause signature cannot be used as a Revoke.
      await expectRevert(
        relayer.revokeBySig(id, await signStatus(citizenKey, "Pause", id)),
        "ImiSignedInvalidSignature",
      );
      await (await relayer.revokeBySig(id, revokeAuth)).wait();
      expect(await check(id, req)).toBe(D.Revoked);
      await expectRevert(relayer.revokeBySig(id, revokeAuth), "ImiSignedInvalidSignature");
    });

    it("bumping the nonce cancels outstanding signed revocations and grants", async () => {
      const citizenKey = f.accounts.others[0];
      const citizen = await citizenWith(citizenKey);
      const req = await request(citizen);
      const pendingGrant = await signGrant(citizenKey, req);
      await (await consents.connect(citizenKey).bumpNonce()).wait();
      await expectRevert(consents.grantBySig(req, pendingGrant), "ImiSignedInvalidSignature");
    });

    it("refuses agencies and outsiders changing a consent", async () => {
      const citizenKey = f.accounts.others[0];
      const citizen = await citizenWith(citizenKey);
      const id = await grantedId(consents.connect(citizenKey).grant(await request(citizen)));
      await expectRevert(consents.connect(f.accounts.agency).revoke(id), "ConsentRegistryUnauthorized");
      await expectRevert(consents.connect(f.accounts.others[2]).pause(id), "ConsentRegistryUnauthorized");
      await expectRevert(
        consents.revokeBySig(id, await signStatus(f.accounts.others[2], "Revoke", id)),
        "ConsentRegistryUnauthorized",
      );
      expect((await consents.getConsent(id)).status).toBe(Status.Active);
    });
  });

  describe("guardians", () => {
    it("act within their scopes, directly and by signature, and not after expiry or removal", async () => {
      const citizenKey = f.accounts.others[0];
      const guardian = f.accounts.others[1];
      const citizen = await citizenWith(citizenKey);
      const expiresAt = (await f.now()) + 5000;
      await (await identity.connect(citizenKey).addGuardian(citizen, guardian.address, ADDRESS | INCOME, expiresAt)).wait();

      const id = await grantedId(consents.connect(guardian).grant(await request(citizen, { scopes: ADDRESS })));
      const stored = await consents.getConsent(id);
      expect(stored.byGuardian).toBe(true);
      expect(stored.grantedBy).toBe(guardian.address);

      const signedReq = await request(citizen, { scopes: INCOME, purpose: code("tax") });
      const signedId = await grantedId(consents.grantBySig(signedReq, await signGrant(guardian, signedReq)));
      expect((await consents.getConsent(signedId)).byGuardian).toBe(true);

      // Outside the guardian's scopes.
      await expectRevert(
        consents.connect(guardian).grant(await request(citizen, { scopes: ADDRESS | HEALTH })),
        "ConsentRegistryUnauthorized",
        [citizen, guardian.address, ADDRESS | HEALTH],
      );
      const wide = await request(citizen, { scopes: HEALTH });
      await expectRevert(consents.grantBySig(wide, await signGrant(guardian, wide)), "ConsentRegistryUnauthorized");
      // A consent the citizen granted over a scope the guardian lacks is out of the guardian's reach.
      const citizensOwn = await grantedId(
        consents.connect(citizenKey).grant(await request(citizen, { scopes: HEALTH, purpose: code("health") })),
      );
      await expectRevert(consents.connect(guardian).pause(citizensOwn), "ConsentRegistryUnauthorized");

      await (await consents.connect(guardian).pause(id)).wait();
      await (await consents.resumeBySig(id, await signStatus(guardian, "Resume", id))).wait();

      await f.increaseTime(5000);
      await expectRevert(consents.connect(guardian).revoke(id), "ConsentRegistryUnauthorized");
      const late = await request(citizen, { scopes: ADDRESS });
      await expectRevert(consents.grantBySig(late, await signGrant(guardian, late)), "ConsentRegistryUnauthorized");
    });

    it("lose their power when removed", async () => {
      const citizenKey = f.accounts.others[0];
      const guardian = f.accounts.others[1];
      const citizen = await citizenWith(citizenKey);
      await (await identity.connect(citizenKey).addGuardian(citizen, guardian.address, ADDRESS, (await f.now()) + 5000)).wait();
      const id = await grantedId(consents.connect(guardian).grant(await request(citizen, { scopes: ADDRESS })));
      await (await identity.connect(citizenKey).removeGuardian(citizen, guardian.address)).wait();
      await expectRevert(consents.connect(guardian).revoke(id), "ConsentRegistryUnauthorized");
      // The citizen keeps control of what the guardian granted.
      await (await consents.connect(citizenKey).revoke(id)).wait();
    });
  });

  // Regression: consents a guardian granted stayed allowed after the guardianship was removed or expired.
  describe("guardian's grants lapse with the guardianship unless the citizen confirms them", () => {
    async function guardedCitizen(expiresIn = 5000) {
      const citizenKey = f.accounts.others[0];
      const guardian = f.accounts.others[1];
      const citizen = await citizenWith(citizenKey);
      await (await identity.connect(citizenKey).addGuardian(citizen, guardian.address, ADDRESS | INCOME, (await f.now()) + expiresIn)).wait();
      return { citizenKey, guardian, citizen };
    }

    it("direct grant: lapses when the guardian is removed (also by the guardian's signature), and stays lapsed after re-appointment", async () => {
      const { citizenKey, guardian, citizen } = await guardedCitizen();
      const req = await request(citizen, { scopes: ADDRESS });
      const id = await grantedId(consents.connect(guardian).grant(req));
      const stored = await consents.getConsent(id);
      expect(stored.guardianSince).toBe((await identity.getGuardian(citizen, guardian.address)).addedAt);
      expect(await check(id, req)).toBe(D.Allowed);
      expect(await consents.lapseOf(id)).toBe(Lapse.None);

      const nonce = await identity.nonces(guardian.address);
      const deadline = (await f.now()) + 3600;
      const removal = await signTyped(guardian, domainOf("IMI IdentityRegistry", f.chainId, await identity.getAddress()), {
        RemoveGuardian: [{ name: "citizen", type: "bytes32" }, { name: "guardian", type: "address" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }],
      }, "RemoveGuardian", { citizen, guardian: guardian.address, nonce, deadline });
      await (await identity.removeGuardianBySig(citizen, guardian.address, { signer: guardian.address, deadline, signature: removal })).wait();
      expect(await check(id, req)).toBe(D.GuardianLapsed);
      expect(await consents.lapseOf(id)).toBe(Lapse.GuardianRemoved);
      const [allowed, latest, decision] = await consents.mayAccess(req.agency, citizen, ADDRESS, BENEFITS);
      expect([allowed, latest, decision]).toEqual([false, id, D.GuardianLapsed]);
      // Other refusals keep their own reason.
      expect(await check(id, { ...req, scopes: HEALTH })).toBe(D.ScopeNotCovered);

      // A new appointment of the same guardian does not bring the old grant back.
      await (await identity.connect(citizenKey).addGuardian(citizen, guardian.address, ADDRESS, (await f.now()) + 5000)).wait();
      expect(await consents.lapseOf(id)).toBe(Lapse.GuardianReplaced);
      expect(await check(id, req)).toBe(D.GuardianLapsed);
      // A grant under the new appointment stands.
      const fresh = await grantedId(consents.connect(guardian).grant(req));
      expect(await check(fresh, req)).toBe(D.Allowed);
    });

    it("signed grant: lapses when the guardianship expires", async () => {
      const { guardian, citizen } = await guardedCitizen(1000);
      const req = await request(citizen, { scopes: INCOME });
      const id = await grantedId(consents.connect(f.accounts.gateway).grantBySig(req, await signGrant(guardian, req)));
      expect((await consents.getConsent(id)).byGuardian).toBe(true);
      expect(await check(id, req)).toBe(D.Allowed);
      await f.increaseTime(1000);
      expect(await consents.lapseOf(id)).toBe(Lapse.GuardianExpired);
      expect(await check(id, req)).toBe(D.GuardianLapsed);
    });

    it("a registrar's removal lapses it too; the citizen's own grants never lapse", async () => {
      const { citizenKey, guardian, citizen } = await guardedCitizen();
      const byGuardian = await grantedId(consents.connect(guardian).grant(await request(citizen, { scopes: ADDRESS })));
      const own = await grantedId(consents.connect(citizenKey).grant(await request(citizen, { scopes: ADDRESS, purpose: code("tax") })));
      await (await identity.connect(f.accounts.registrar).removeGuardian(citizen, guardian.address)).wait();
      expect(await consents.lapseOf(byGuardian)).toBe(Lapse.GuardianRemoved);
      expect(await consents.lapseOf(own)).toBe(Lapse.None);
      expect(await check(own, await request(citizen, { scopes: ADDRESS, purpose: code("tax") }))).toBe(D.Allowed);
    });

    it("direct confirm: the citizen's key keeps it standing, before or after the guardianship ends", async () => {
      const { citizenKey, guardian, citizen } = await guardedCitizen();
      const req = await request(citizen, { scopes: ADDRESS });
      const before = await grantedId(consents.connect(guardian).grant(req));
      const after = await grantedId(consents.connect(guardian).grant(await request(citizen, { scopes: ADDRESS, purpose: code("tax") })));
      await expect(consents.connect(citizenKey).confirm(before)).resolves.toBeTruthy();
      expect((await consents.getConsent(before)).confirmedAt).toBeGreaterThan(0n);
      await (await identity.connect(citizenKey).removeGuardian(citizen, guardian.address)).wait();
      expect(await check(before, req)).toBe(D.Allowed);
      expect(await consents.lapseOf(before)).toBe(Lapse.None);
      const afterReq = await request(citizen, { scopes: ADDRESS, purpose: code("tax") });
      expect(await check(after, afterReq)).toBe(D.GuardianLapsed);
      await (await consents.connect(citizenKey).confirm(after)).wait();
      expect(await check(after, afterReq)).toBe(D.Allowed);
      await expectRevert(consents.connect(citizenKey).confirm(after), "ConsentRegistryAlreadyConfirmed", [after]);
    });

    it("signed confirm: relayed citizen signature; the guardian, outsiders and non-guardian grants are refused", async () => {
      const { citizenKey, guardian, citizen } = await guardedCitizen();
      const req = await request(citizen, { scopes: ADDRESS });
      const id = await grantedId(consents.connect(guardian).grant(req));
      await expectRevert(consents.connect(guardian).confirm(id), "ConsentRegistryNotController", [citizen, guardian.address]);
      await expectRevert(consents.confirmBySig(id, await signStatus(guardian, "Confirm", id)), "ConsentRegistryNotController");
      await expectRevert(consents.connect(f.accounts.others[5]).confirm(id), "ConsentRegistryNotController");
      const own = await grantedId(consents.connect(citizenKey).grant(await request(citizen, { scopes: ADDRESS, purpose: code("tax") })));
      await expectRevert(consents.connect(citizenKey).confirm(own), "ConsentRegistryNotGuardianGrant", [own]);
      await expectRevert(consents.connect(citizenKey).confirm(randomId()), "ConsentRegistryUnknownConsent");

      await f.increaseTime(5000); // the guardianship expires
      expect(await check(id, req)).toBe(D.GuardianLapsed);
      const receipt = await (await consents.connect(f.accounts.gateway).confirmBySig(id, await signStatus(citizenKey, "Confirm", id))).wait();
      const event = receipt!.logs.map((l: { topics: string[]; data: string }) => consents.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "ConsentConfirmed");
      expect(event!.args.confirmedBy).toBe(citizenKey.address);
      expect(await check(id, req)).toBe(D.Allowed);
      // Revoked stays final: confirming a revoked grant is refused.
      await (await consents.connect(citizenKey).revoke(id)).wait();
      await expectRevert(consents.connect(citizenKey).confirm(id), "ConsentRegistryInvalidTransition");
    });
  });

  // Regression: a consent with maxUses = 1 was used once on each of two gateways (each counted its own log).
  describe("use limits counted on chain (consume)", () => {
    it("counts every gateway's uses against one limit and refuses past it", async () => {
      const citizenKey = f.accounts.others[0];
      const citizen = await citizenWith(citizenKey);
      const id = await grantedId(consents.connect(citizenKey).grant(await request(citizen, { maxUses: 2 })));
      await (await consents.connect(f.accounts.gateway).consume(id)).wait();
      await (await consents.connect(f.accounts.gateway2).consume(id)).wait();
      expect((await consents.getConsent(id)).uses).toBe(2n);
      await expectRevert(consents.connect(f.accounts.gateway).consume(id), "ConsentRegistryUseLimitReached", [id, 2n]);
      await expectRevert(consents.connect(f.accounts.gateway2).consume(id), "ConsentRegistryUseLimitReached", [id, 2n]);
    });

    it("refuses non-gateways, unlimited, unknown and unusable consents, changing nothing", async () => {
      const citizenKey = f.accounts.others[0];
      const citizen = await citizenWith(citizenKey);
      const limited = await grantedId(consents.connect(citizenKey).grant(await request(citizen, { maxUses: 1 })));
      await expectRevert(consents.connect(f.accounts.agency).consume(limited), "ConsentRegistryNotAGateway", [f.accounts.agency.address]);
      await expectRevert(consents.connect(citizenKey).consume(limited), "ConsentRegistryNotAGateway");
      const unlimited = await grantedId(consents.connect(citizenKey).grant(await request(citizen, { maxUses: 0, purpose: code("tax") })));
      await expectRevert(consents.connect(f.accounts.gateway).consume(unlimited), "ConsentRegistryUnlimited", [unlimited]);
      await expectRevert(consents.connect(f.accounts.gateway).consume(randomId()), "ConsentRegistryUnknownConsent");
      await (await consents.connect(citizenKey).pause(limited)).wait();
      await expectRevert(consents.connect(f.accounts.gateway).consume(limited), "ConsentRegistryNotUsable", [limited, D.Paused]);
      await (await consents.connect(citizenKey).revoke(limited)).wait();
      await expectRevert(consents.connect(f.accounts.gateway).consume(limited), "ConsentRegistryNotUsable", [limited, D.Revoked]);
      expect((await consents.getConsent(limited)).uses).toBe(0n);
    });

    it("refuses a lapsed guardian's grant", async () => {
      const citizenKey = f.accounts.others[0];
      const guardian = f.accounts.others[1];
      const citizen = await citizenWith(citizenKey);
      await (await identity.connect(citizenKey).addGuardian(citizen, guardian.address, ADDRESS | INCOME, (await f.now()) + 5000)).wait();
      const id = await grantedId(consents.connect(guardian).grant(await request(citizen, { maxUses: 3 })));
      await (await identity.connect(citizenKey).removeGuardian(citizen, guardian.address)).wait();
      await expectRevert(consents.connect(f.accounts.gateway).consume(id), "ConsentRegistryNotUsable", [id, D.GuardianLapsed]);
    });
  });

  describe("statutory access", () => {
    it("the governor grants it per citizen; it is visible, checkable, revocable and flagged for review", async () => {
      const citizen = await citizenWith(f.accounts.others[0]);
      const now = await f.now();
      const police = f.accounts.agency2;
      const legalBasis = code("criminal-procedure-art-12");
      const args = [citizen, police.address, ADDRESS, code("investigation"), legalBasis, now, now + 1000] as const;
      await expectRevert(consents.connect(f.accounts.registrar).grantStatutory(...args), "AccessManagedUnauthorized");
      await expectRevert(consents.connect(police).grantStatutory(...args), "AccessManagedUnauthorized");
      const receipt = await (await consents.connect(f.accounts.governor).grantStatutory(...args)).wait();
      const event = consents.interface.parseLog(receipt.logs[0]);
      expect(event?.name).toBe("StatutoryAccessGranted");
      expect(event?.args.citizen).toBe(citizen);
      expect(event?.args.reviewRequired).toBe(true);
      const grantId = event?.args.grantId as string;
      const req = { agency: police.address, citizen, scopes: ADDRESS, purpose: code("investigation") };
      expect(await check(grantId, req)).toBe(D.Allowed);
      expect(await check(grantId, { ...req, citizen: randomId() })).toBe(D.WrongCitizen);
      expect(await check(grantId, { ...req, scopes: INCOME })).toBe(D.ScopeNotCovered);

      await expectRevert(consents.connect(f.accounts.others[3]).reviewStatutory(grantId, code("lawful")), "AccessManagedUnauthorized");
      await (await consents.connect(f.accounts.auditor).reviewStatutory(grantId, code("lawful"))).wait();
      expect((await consents.getStatutoryGrant(grantId)).reviewOutcome).toBe(code("lawful"));
      await expectRevert(
        consents.connect(f.accounts.auditor).reviewStatutory(grantId, code("lawful")),
        "ConsentRegistryAlreadyReviewed",
      );

      await (await consents.connect(f.accounts.governor).revokeStatutory(grantId)).wait();
      expect(await check(grantId, req)).toBe(D.Revoked);
      await expectRevert(consents.connect(f.accounts.governor).revokeStatutory(grantId), "ConsentRegistryStatutoryRevoked");
      await expectRevert(
        consents.connect(f.accounts.governor).revokeStatutory(randomId()),
        "ConsentRegistryUnknownStatutoryGrant",
      );
    });

    it("a blanket grant (citizen zero) covers every active citizen, only inside its window", async () => {
      const citizen = await citizenWith(f.accounts.others[0]);
      const now = await f.now();
      const receipt = await (
        await consents
          .connect(f.accounts.governor)
          .grantStatutory(ZeroHash, f.accounts.agency.address, INCOME, code("tax-audit"), code("tax-act-7"), now + 100, now + 200)
      ).wait();
      const grantId = consents.interface.parseLog(receipt.logs[0])?.args.grantId as string;
      const req = { agency: f.accounts.agency.address, citizen, scopes: INCOME, purpose: code("tax-audit") };
      expect(await check(grantId, req)).toBe(D.NotYetValid);
      await f.increaseTime(100);
      expect(await check(grantId, req)).toBe(D.Allowed);
      expect(await check(grantId, { ...req, agency: f.accounts.agency2.address })).toBe(D.WrongAgency);
      await f.increaseTime(100);
      expect(await check(grantId, req)).toBe(D.Expired);
      await expectRevert(
        consents
          .connect(f.accounts.governor)
          .grantStatutory(citizen, f.accounts.agency.address, INCOME, code("tax-audit"), ZeroHash, now, now + 5000),
        "ConsentRegistryZeroHash",
      );
    });
  });
});
