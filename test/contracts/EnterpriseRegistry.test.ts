import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZeroHash, hexlify, randomBytes } from "ethers";
import { ENTERPRISE_SCOPES, enterpriseIdOf, enterpriseTypes } from "@imi-ledger/sdk";
import { deployImi, type ImiContract, ROLE, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";
import { code, domainOf, signTyped, toCompact, toHighS } from "../helpers/typedData.js";

const randomId = () => hexlify(randomBytes(32));
const CODE = "91350100M000100Y43";
const { consent, tracker, credit } = ENTERPRISE_SCOPES;

describe("EnterpriseRegistry", () => {
  let f: ImiFixture;
  let enterprises: ImiContract;
  let identity: ImiContract;
  let snapshotId: string;
  const counter = () => f.accounts.others[8];
  const rep = () => f.accounts.others[0];
  const staffKey = () => f.accounts.others[1];
  const outsider = () => f.accounts.others[2];
  let repId: string;
  let staffId: string;
  let outsiderId: string;
  const enterprise = enterpriseIdOf(CODE);

  const domain = async () => domainOf("IMI EnterpriseRegistry", f.chainId, await enterprises.getAddress());

  beforeAll(async () => {
    f = await deployImi();
    enterprises = f.contracts.enterpriseRegistry;
    identity = f.contracts.identityRegistry;
    await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(ROLE.COUNTER, counter().address, 0)).wait();
    [repId, staffId, outsiderId] = [randomId(), randomId(), randomId()];
    for (const [id, key] of [
      [repId, rep()],
      [staffId, staffKey()],
      [outsiderId, outsider()],
    ] as const) {
      await (await identity.connect(f.accounts.registrar).register(id, key.address, randomId(), 2)).wait();
    }
  });
  beforeEach(async () => {
    if (snapshotId) await f.revert(snapshotId);
    snapshotId = await f.snapshot();
  });

  async function registered() {
    const commitment = randomId();
    await (await enterprises.connect(counter()).register(enterprise, commitment, repId)).wait();
    return commitment;
  }

  describe("register", () => {
    it("the counter registers an enterprise by the id of its code, with its legal representative", async () => {
      expect(await enterprises.enterpriseIdOf(CODE)).toBe(enterprise);
      const commitment = randomId();
      const tx = enterprises.connect(counter()).register(enterprise, commitment, repId);
      await expect((await tx).wait()).resolves.toBeTruthy();
      const record = await enterprises.getEnterprise(enterprise);
      expect(record.status).toBe(1n);
      expect(record.commitment).toBe(commitment);
      expect(record.legalRepresentative).toBe(repId);
      expect(await enterprises.isActive(enterprise)).toBe(true);
      const [allowed, citizen, asRep] = await enterprises.authorizes(enterprise, rep().address, consent | tracker | credit);
      expect([allowed, citizen, asRep]).toEqual([true, repId, true]);
    });

    it("refuses a second registration of the same code, zero hashes, an unregistered representative, and a caller without the counter role", async () => {
      await registered();
      await expectRevert(enterprises.connect(counter()).register(enterprise, randomId(), repId), "EnterpriseRegistryAlreadyRegistered", [enterprise]);
      await expectRevert(enterprises.connect(counter()).register(ZeroHash, randomId(), repId), "EnterpriseRegistryZeroHash");
      await expectRevert(enterprises.connect(counter()).register(randomId(), ZeroHash, repId), "EnterpriseRegistryZeroHash");
      const nobody = randomId();
      await expectRevert(enterprises.connect(counter()).register(randomId(), randomId(), nobody), "EnterpriseRegistryInactiveCitizen", [nobody]);
      // The registrar of citizens is not the legal-person counter, and neither is the governor.
      for (const caller of [f.accounts.registrar, f.accounts.governor]) {
        await expectRevert(enterprises.connect(caller).register(randomId(), randomId(), repId), "EnterpriseRegistryUnauthorized", [caller.address, ROLE.COUNTER]);
      }
    });

    it("the counter updates the record, changes the legal representative and deregisters; the old representative loses its power", async () => {
      await registered();
      const next = randomId();
      await (await enterprises.connect(counter()).updateRecord(enterprise, next)).wait();
      expect((await enterprises.getEnterprise(enterprise)).commitment).toBe(next);
      await expectRevert(enterprises.connect(outsider()).updateRecord(enterprise, next), "EnterpriseRegistryUnauthorized");
      await (await enterprises.connect(counter()).changeLegalRepresentative(enterprise, outsiderId)).wait();
      expect((await enterprises.authorizes(enterprise, rep().address, consent))[0]).toBe(false);
      expect((await enterprises.authorizes(enterprise, outsider().address, consent))[0]).toBe(true);
      await (await enterprises.connect(counter()).deregister(enterprise, code("dissolved"))).wait();
      expect(await enterprises.isActive(enterprise)).toBe(false);
      expect((await enterprises.authorizes(enterprise, outsider().address, consent))[0]).toBe(false);
      await expectRevert(enterprises.connect(counter()).deregister(enterprise, code("again")), "EnterpriseRegistryInactiveEnterprise", [enterprise]);
      // Deregistered is final: the code cannot be registered again over its history.
      await expectRevert(enterprises.connect(counter()).register(enterprise, randomId(), repId), "EnterpriseRegistryAlreadyRegistered");
    });
  });

  describe("staff", () => {
    it("direct: the legal representative appoints staff within scopes and expiry; staff act only within them", async () => {
      await registered();
      const expiresAt = (await f.now()) + 3600;
      await (await enterprises.connect(rep()).appointStaff(enterprise, staffId, credit | tracker, expiresAt)).wait();
      expect(await enterprises.isStaff(enterprise, staffId, credit)).toBe(true);
      expect((await enterprises.authorizes(enterprise, staffKey().address, credit))[0]).toBe(true);
      // Out of scope.
      expect((await enterprises.authorizes(enterprise, staffKey().address, consent))[0]).toBe(false);
      expect((await enterprises.authorizes(enterprise, staffKey().address, consent | credit))[0]).toBe(false);
      const staff = await enterprises.getStaff(enterprise, staffId);
      expect(staff.scopes).toBe(credit | tracker);
      expect(staff.expiresAt).toBe(BigInt(expiresAt));
      // Expired.
      await f.increaseTime(3601);
      expect((await enterprises.authorizes(enterprise, staffKey().address, credit))[0]).toBe(false);
      // An expired appointment may be renewed.
      await (await enterprises.connect(rep()).appointStaff(enterprise, staffId, credit, (await f.now()) + 3600)).wait();
      expect(await enterprises.isStaff(enterprise, staffId, credit)).toBe(true);
    });

    it("direct: only the legal representative appoints, and not itself, not twice, not without scopes or with a past expiry", async () => {
      await registered();
      const expiresAt = (await f.now()) + 3600;
      await expectRevert(enterprises.connect(staffKey()).appointStaff(enterprise, outsiderId, credit, expiresAt), "EnterpriseRegistryNotLegalRepresentative", [enterprise, staffKey().address]);
      await expectRevert(enterprises.connect(counter()).appointStaff(enterprise, staffId, credit, expiresAt), "EnterpriseRegistryNotLegalRepresentative");
      await expectRevert(enterprises.connect(rep()).appointStaff(enterprise, repId, credit, expiresAt), "EnterpriseRegistryStaffIsRepresentative", [enterprise, repId]);
      await expectRevert(enterprises.connect(rep()).appointStaff(enterprise, staffId, 0, expiresAt), "EnterpriseRegistryInvalidScopes");
      const now = await f.now();
      await expectRevert(enterprises.connect(rep()).appointStaff(enterprise, staffId, credit, now), "EnterpriseRegistryInvalidExpiry");
      const nobody = randomId();
      await expectRevert(enterprises.connect(rep()).appointStaff(enterprise, nobody, credit, expiresAt), "EnterpriseRegistryInactiveCitizen", [nobody]);
      await expectRevert(enterprises.connect(rep()).appointStaff(randomId(), staffId, credit, expiresAt), "EnterpriseRegistryUnknownEnterprise");
      await (await enterprises.connect(rep()).appointStaff(enterprise, staffId, credit, expiresAt)).wait();
      await expectRevert(enterprises.connect(rep()).appointStaff(enterprise, staffId, consent, expiresAt), "EnterpriseRegistryStaffActive", [enterprise, staffId]);
    });

    it("staff act with their current citizen key: a rotated key keeps the role, the old key loses it", async () => {
      await registered();
      await (await enterprises.connect(rep()).appointStaff(enterprise, staffId, credit, (await f.now()) + 3600)).wait();
      const newKey = f.accounts.others[3];
      await (await identity.connect(staffKey()).rotateKey(staffId, newKey.address)).wait();
      expect((await enterprises.authorizes(enterprise, staffKey().address, credit))[0]).toBe(false);
      expect(await enterprises.authorizes(enterprise, newKey.address, credit)).toEqual([true, staffId, false]);
      // A deactivated citizen acts for no enterprise.
      await (await identity.connect(f.accounts.registrar).deactivate(staffId, code("deceased"))).wait();
      expect((await enterprises.authorizes(enterprise, newKey.address, credit))[0]).toBe(false);
      expect(await enterprises.isStaff(enterprise, staffId, credit)).toBe(false);
    });

    it("removal by the legal representative, by the staff member or by the counter; by nobody else; recorded, not deleted", async () => {
      await registered();
      const expiresAt = (await f.now()) + 3600;
      await (await enterprises.connect(rep()).appointStaff(enterprise, staffId, credit, expiresAt)).wait();
      await expectRevert(enterprises.connect(outsider()).removeStaff(enterprise, staffId), "EnterpriseRegistryRemoveUnauthorized", [enterprise, outsider().address]);
      for (const remover of [rep(), staffKey(), counter()]) {
        const id = await f.snapshot();
        await expect(enterprises.connect(remover).removeStaff(enterprise, staffId)).resolves.toBeTruthy();
        const staff = await enterprises.getStaff(enterprise, staffId);
        expect(staff.removedAt).toBeGreaterThan(0n);
        expect(staff.scopes).toBe(credit);
        expect((await enterprises.authorizes(enterprise, staffKey().address, credit))[0]).toBe(false);
        await expectRevert(enterprises.connect(rep()).removeStaff(enterprise, staffId), "EnterpriseRegistryNotStaff", [enterprise, staffId]);
        await f.revert(id);
      }
    });

    it("signed: a relayer submits the legal representative's appointment and removal", async () => {
      await registered();
      const relayer = enterprises.connect(f.accounts.others[9]);
      const deadline = (await f.now()) + 3600;
      const expiresAt = deadline + 3600;
      const nonce = await enterprises.nonces(rep().address);
      const signature = await signTyped(rep(), await domain(), enterpriseTypes, "AppointStaff", { enterprise, staff: staffId, scopes: credit, expiresAt, nonce, deadline });
      await (await relayer.appointStaffBySig(enterprise, staffId, credit, expiresAt, { signer: rep().address, deadline, signature })).wait();
      expect(await enterprises.isStaff(enterprise, staffId, credit)).toBe(true);
      const removal = await signTyped(rep(), await domain(), enterpriseTypes, "RemoveStaff", { enterprise, staff: staffId, nonce: nonce + 1n, deadline });
      await (await relayer.removeStaffBySig(enterprise, staffId, { signer: rep().address, deadline, signature: removal })).wait();
      expect(await enterprises.isStaff(enterprise, staffId, credit)).toBe(false);
    });

    it("signed: refuses replay, other chain, other deployment, high-s, compact, expired, other arguments, an out-of-scope signer", async () => {
      await registered();
      const relayer = enterprises.connect(f.accounts.others[9]);
      const deadline = (await f.now()) + 3600;
      const expiresAt = deadline + 3600;
      const message = { enterprise, staff: staffId, scopes: credit, expiresAt, nonce: 0n, deadline };
      const good = await signTyped(rep(), await domain(), enterpriseTypes, "AppointStaff", message);
      const auth = (signature: string, d = deadline) => ({ signer: rep().address, deadline: d, signature });
      const invalid = ["ImiSignedInvalidSignature", [rep().address]] as const;
      const address = await enterprises.getAddress();
      const otherChain = await signTyped(rep(), domainOf("IMI EnterpriseRegistry", f.chainId + 1n, address), enterpriseTypes, "AppointStaff", message);
      await expectRevert(relayer.appointStaffBySig(enterprise, staffId, credit, expiresAt, auth(otherChain)), ...invalid);
      const otherDeployment = await signTyped(rep(), domainOf("IMI EnterpriseRegistry", f.chainId, await identity.getAddress()), enterpriseTypes, "AppointStaff", message);
      await expectRevert(relayer.appointStaffBySig(enterprise, staffId, credit, expiresAt, auth(otherDeployment)), ...invalid);
      await expectRevert(relayer.appointStaffBySig(enterprise, staffId, credit, expiresAt, auth(toHighS(good))), ...invalid);
      await expectRevert(relayer.appointStaffBySig(enterprise, staffId, credit, expiresAt, auth(toCompact(good))), ...invalid);
      // The signature was for the credit scope only; relayed with more scopes it is not the representative's.
      await expectRevert(relayer.appointStaffBySig(enterprise, staffId, credit | consent, expiresAt, auth(good)), ...invalid);
      const past = (await f.now()) - 1;
      const expired = await signTyped(rep(), await domain(), enterpriseTypes, "AppointStaff", { ...message, deadline: past });
      await expectRevert(relayer.appointStaffBySig(enterprise, staffId, credit, expiresAt, auth(expired, past)), "ImiSignedExpired");
      // A staff member's own signature cannot appoint anyone.
      const bySelf = await signTyped(staffKey(), await domain(), enterpriseTypes, "AppointStaff", { ...message, staff: outsiderId });
      await expectRevert(
        relayer.appointStaffBySig(enterprise, outsiderId, credit, expiresAt, { signer: staffKey().address, deadline, signature: bySelf }),
        "EnterpriseRegistryNotLegalRepresentative",
        [enterprise, staffKey().address],
      );
      await (await relayer.appointStaffBySig(enterprise, staffId, credit, expiresAt, auth(good))).wait();
      await (await enterprises.connect(rep()).removeStaff(enterprise, staffId)).wait();
      // Replay after removal: the nonce is spent.
      await expectRevert(relayer.appointStaffBySig(enterprise, staffId, credit, expiresAt, auth(good)), ...invalid);
    });
  });
});
