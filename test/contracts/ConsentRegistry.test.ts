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
} as const;
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

  async function signStatus(signer: HardhatEthersSigner, type: "Revoke" | "Pause" | "Resume", consentId: string) {
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
