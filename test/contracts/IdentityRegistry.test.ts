import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZeroAddress, ZeroHash, hexlify, randomBytes } from "ethers";
import { deployImi, type ImiContract, RECOVERY_DELAY, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";
import { IDENTITY_TYPES, code, domainOf, signTyped, toCompact, toHighS } from "../helpers/typedData.js";

const LEVEL_SUBSTANTIAL = 2;
const randomId = () => hexlify(randomBytes(32));

describe("IdentityRegistry", () => {
  let f: ImiFixture;
  let identity: ImiContract;
  let snapshotId: string;

  beforeAll(async () => {
    f = await deployImi();
    identity = f.contracts.identityRegistry;
  });
  beforeEach(async () => {
    if (snapshotId) await f.revert(snapshotId);
    snapshotId = await f.snapshot();
  });

  const domain = async () => domainOf("IMI IdentityRegistry", f.chainId, await identity.getAddress());

  async function registered(controllerIndex = 0) {
    const citizen = randomId();
    const controller = f.accounts.others[controllerIndex];
    const commitment = randomId();
    await (await identity.connect(f.accounts.registrar).register(citizen, controller.address, commitment, LEVEL_SUBSTANTIAL)).wait();
    return { citizen, controller, commitment };
  }

  describe("register", () => {
    it("records the identity and emits IdentityRegistered", async () => {
      const citizen = randomId();
      const controller = f.accounts.others[0];
      const commitment = randomId();
      const tx = identity.connect(f.accounts.registrar).register(citizen, controller.address, commitment, 3);
      const receipt = await (await tx).wait();
      const event = identity.interface.parseLog(receipt.logs[0]);
      expect(event?.name).toBe("IdentityRegistered");
      expect(event?.args.registrar).toBe(f.accounts.registrar.address);
      const record = await identity.getIdentity(citizen);
      expect(record.controller).toBe(controller.address);
      expect(record.status).toBe(1n);
      expect(record.level).toBe(3n);
      expect(record.commitment).toBe(commitment);
      expect(await identity.identityOf(controller.address)).toBe(citizen);
      expect(await identity.isActive(citizen)).toBe(true);
    });

    it("refuses callers without the registrar role", async () => {
      await expectRevert(
        identity.connect(f.accounts.others[5]).register(randomId(), f.accounts.others[0].address, randomId(), 2),
        "AccessManagedUnauthorized",
        [f.accounts.others[5].address],
      );
      await expectRevert(
        identity.connect(f.accounts.governor).register(randomId(), f.accounts.others[0].address, randomId(), 2),
        "AccessManagedUnauthorized",
      );
    });

    it("refuses zero ids, zero commitments, zero keys and bad levels, changing nothing", async () => {
      const registrar = identity.connect(f.accounts.registrar);
      const key = f.accounts.others[0].address;
      await expectRevert(registrar.register(ZeroHash, key, randomId(), 2), "IdentityRegistryZeroHash");
      await expectRevert(registrar.register(randomId(), key, ZeroHash, 2), "IdentityRegistryZeroHash");
      await expectRevert(registrar.register(randomId(), ZeroAddress, randomId(), 2), "IdentityRegistryZeroAddress");
      await expectRevert(registrar.register(randomId(), key, randomId(), 0), "IdentityRegistryInvalidLevel", [0]);
      await expectRevert(registrar.register(randomId(), key, randomId(), 4), "IdentityRegistryInvalidLevel", [4]);
      expect(await identity.identityOf(key)).toBe(ZeroHash);
    });

    it("refuses a duplicate id and a key already bound to an identity", async () => {
      const { citizen, controller } = await registered();
      const registrar = identity.connect(f.accounts.registrar);
      await expectRevert(
        registrar.register(citizen, f.accounts.others[1].address, randomId(), 2),
        "IdentityRegistryAlreadyRegistered",
        [citizen],
      );
      await expectRevert(
        registrar.register(randomId(), controller.address, randomId(), 2),
        "IdentityRegistryKeyInUse",
        [controller.address],
      );
    });

    it("lets a registrar update the record commitment and level", async () => {
      const { citizen } = await registered();
      const next = randomId();
      await (await identity.connect(f.accounts.registrar).updateRecord(citizen, next, 3)).wait();
      const record = await identity.getIdentity(citizen);
      expect(record.commitment).toBe(next);
      expect(record.level).toBe(3n);
      await expectRevert(identity.connect(f.accounts.others[0]).updateRecord(citizen, next, 3), "AccessManagedUnauthorized");
      await expectRevert(
        identity.connect(f.accounts.registrar).updateRecord(randomId(), next, 3),
        "IdentityRegistryUnknownIdentity",
      );
    });
  });

  describe("key rotation", () => {
    it("direct: the controller moves to a new key", async () => {
      const { citizen, controller } = await registered();
      const next = f.accounts.others[1];
      const receipt = await (await identity.connect(controller).rotateKey(citizen, next.address)).wait();
      const event = identity.interface.parseLog(receipt.logs[0]);
      expect(event?.name).toBe("ControllerChanged");
      expect(event?.args.byRecovery).toBe(false);
      expect(await identity.controllerOf(citizen)).toBe(next.address);
      expect(await identity.identityOf(next.address)).toBe(citizen);
      expect(await identity.identityOf(controller.address)).toBe(ZeroHash);
    });

    it("direct: refuses anyone but the controller, zero and reused keys", async () => {
      const { citizen, controller } = await registered();
      const other = await registered(2);
      await expectRevert(
        identity.connect(f.accounts.others[1]).rotateKey(citizen, f.accounts.others[3].address),
        "IdentityRegistryNotController",
        [citizen, f.accounts.others[1].address],
      );
      await expectRevert(identity.connect(controller).rotateKey(citizen, ZeroAddress), "IdentityRegistryZeroAddress");
      await expectRevert(
        identity.connect(controller).rotateKey(citizen, other.controller.address),
        "IdentityRegistryKeyInUse",
      );
      // A key retired by rotation is never bound again.
      await (await identity.connect(controller).rotateKey(citizen, f.accounts.others[1].address)).wait();
      await expectRevert(
        identity.connect(f.accounts.others[1]).rotateKey(citizen, controller.address),
        "IdentityRegistryKeyInUse",
        [controller.address],
      );
    });

    it("signed: a relayer submits the controller's signature", async () => {
      const { citizen, controller } = await registered();
      const next = f.accounts.others[1].address;
      const deadline = (await f.now()) + 3600;
      const nonce = await identity.nonces(controller.address);
      const signature = await signTyped(controller, await domain(), IDENTITY_TYPES, "RotateKey", {
        citizen,
        newController: next,
        nonce,
        deadline,
      });
      await (
        await identity
          .connect(f.accounts.others[9])
          .rotateKeyBySig(citizen, next, { signer: controller.address, deadline, signature })
      ).wait();
      expect(await identity.controllerOf(citizen)).toBe(next);
      expect(await identity.nonces(controller.address)).toBe(nonce + 1n);
    });

    it("signed: refuses replay, other chain, other deployment, high-s, compact, expired, wrong nonce", async () => {
      const { citizen, controller } = await registered();
      const relayer = identity.connect(f.accounts.others[9]);
      const next = f.accounts.others[1].address;
      const deadline = (await f.now()) + 3600;
      const message = { citizen, newController: next, nonce: 0n, deadline };
      const good = await signTyped(controller, await domain(), IDENTITY_TYPES, "RotateKey", message);
      const auth = (signature: string, d = deadline) => ({ signer: controller.address, deadline: d, signature });
      const invalid = ["ImiSignedInvalidSignature", [controller.address]] as const;

      const otherChain = await signTyped(
        controller,
        domainOf("IMI IdentityRegistry", f.chainId + 1n, await identity.getAddress()),
        IDENTITY_TYPES,
        "RotateKey",
        message,
      );
      await expectRevert(relayer.rotateKeyBySig(citizen, next, auth(otherChain)), ...invalid);
      const otherDeployment = await signTyped(
        controller,
        domainOf("IMI IdentityRegistry", f.chainId, await f.contracts.consentRegistry.getAddress()),
        IDENTITY_TYPES,
        "RotateKey",
        message,
      );
      await expectRevert(relayer.rotateKeyBySig(citizen, next, auth(otherDeployment)), ...invalid);
      await expectRevert(relayer.rotateKeyBySig(citizen, next, auth(toHighS(good))), ...invalid);
      await expectRevert(relayer.rotateKeyBySig(citizen, next, auth(toCompact(good))), ...invalid);
      const wrongNonce = await signTyped(controller, await domain(), IDENTITY_TYPES, "RotateKey", { ...message, nonce: 1n });
      await expectRevert(relayer.rotateKeyBySig(citizen, next, auth(wrongNonce)), ...invalid);
      const past = (await f.now()) - 1;
      const expired = await signTyped(controller, await domain(), IDENTITY_TYPES, "RotateKey", { ...message, deadline: past });
      await expectRevert(relayer.rotateKeyBySig(citizen, next, auth(expired, past)), "ImiSignedExpired");
      // A signature for other arguments than the ones relayed.
      await expectRevert(relayer.rotateKeyBySig(citizen, f.accounts.others[4].address, auth(good)), ...invalid);
      expect(await identity.controllerOf(citizen)).toBe(controller.address);

      await (await relayer.rotateKeyBySig(citizen, next, auth(good))).wait();
      await expectRevert(relayer.rotateKeyBySig(citizen, next, auth(good)), ...invalid);
    });

    it("signed: a signature by someone other than the controller is refused", async () => {
      const { citizen } = await registered();
      const intruder = f.accounts.others[7];
      const deadline = (await f.now()) + 3600;
      const signature = await signTyped(intruder, await domain(), IDENTITY_TYPES, "RotateKey", {
        citizen,
        newController: intruder.address,
        nonce: 0n,
        deadline,
      });
      await expectRevert(
        identity.rotateKeyBySig(citizen, intruder.address, { signer: intruder.address, deadline, signature }),
        "IdentityRegistryNotController",
        [citizen, intruder.address],
      );
    });

    it("signed: a smart-contract wallet controller signs through ERC-1271", async () => {
      const owner = f.accounts.others[6];
      const wallet = await f.ethers.deployContract("ERC1271Wallet", [owner.address]);
      const walletAddress = await wallet.getAddress();
      const citizen = randomId();
      await (await identity.connect(f.accounts.registrar).register(citizen, walletAddress, randomId(), 2)).wait();
      const deadline = (await f.now()) + 3600;
      const next = f.accounts.others[1].address;
      const signature = await signTyped(owner, await domain(), IDENTITY_TYPES, "RotateKey", {
        citizen,
        newController: next,
        nonce: 0n,
        deadline,
      });
      await (await identity.rotateKeyBySig(citizen, next, { signer: walletAddress, deadline, signature })).wait();
      expect(await identity.controllerOf(citizen)).toBe(next);
    });

    it("cancelling outstanding signatures by bumping the nonce", async () => {
      const { citizen, controller } = await registered();
      const deadline = (await f.now()) + 3600;
      const next = f.accounts.others[1].address;
      const signature = await signTyped(controller, await domain(), IDENTITY_TYPES, "RotateKey", {
        citizen,
        newController: next,
        nonce: 0n,
        deadline,
      });
      const receipt = await (await identity.connect(controller).bumpNonce()).wait();
      expect(identity.interface.parseLog(receipt.logs[0])?.name).toBe("NonceBumped");
      await expectRevert(
        identity.rotateKeyBySig(citizen, next, { signer: controller.address, deadline, signature }),
        "ImiSignedInvalidSignature",
      );
    });
  });

  describe("recovery", () => {
    it("direct: takes effect only after the delay", async () => {
      const { citizen } = await registered();
      const next = f.accounts.others[1].address;
      await (await identity.connect(f.accounts.registrar).initiateRecovery(citizen, next)).wait();
      const pending = await identity.getRecovery(citizen);
      expect(pending.newController).toBe(next);
      await expectRevert(identity.completeRecovery(citizen), "IdentityRegistryRecoveryNotReady");
      await expectRevert(
        identity.connect(f.accounts.registrar).initiateRecovery(citizen, f.accounts.others[2].address),
        "IdentityRegistryRecoveryPending",
      );
      await f.increaseTime(RECOVERY_DELAY);
      const receipt = await (await identity.connect(f.accounts.others[9]).completeRecovery(citizen)).wait();
      const event = identity.interface.parseLog(receipt.logs[0]);
      expect(event?.name).toBe("ControllerChanged");
      expect(event?.args.byRecovery).toBe(true);
      expect(await identity.controllerOf(citizen)).toBe(next);
      await expectRevert(identity.completeRecovery(citizen), "IdentityRegistryNoRecoveryPending");
    });

    it("direct: the current key cancels a recovery it did not ask for", async () => {
      const { citizen, controller } = await registered();
      await (await identity.connect(f.accounts.registrar).initiateRecovery(citizen, f.accounts.others[1].address)).wait();
      await expectRevert(identity.connect(f.accounts.others[1]).cancelRecovery(citizen), "IdentityRegistryNotController");
      await (await identity.connect(controller).cancelRecovery(citizen)).wait();
      await f.increaseTime(RECOVERY_DELAY);
      await expectRevert(identity.completeRecovery(citizen), "IdentityRegistryNoRecoveryPending");
      expect(await identity.controllerOf(citizen)).toBe(controller.address);
    });

    it("signed: the current key's signature cancels a recovery", async () => {
      const { citizen, controller } = await registered();
      await (await identity.connect(f.accounts.registrar).initiateRecovery(citizen, f.accounts.others[1].address)).wait();
      const deadline = (await f.now()) + 3600;
      const signature = await signTyped(controller, await domain(), IDENTITY_TYPES, "CancelRecovery", {
        citizen,
        nonce: 0n,
        deadline,
      });
      await (await identity.cancelRecoveryBySig(citizen, { signer: controller.address, deadline, signature })).wait();
      expect((await identity.getRecovery(citizen)).executableAt).toBe(0n);
      await expectRevert(
        identity.cancelRecoveryBySig(citizen, { signer: controller.address, deadline, signature }),
        "ImiSignedInvalidSignature",
      );
    });

    it("rotating the key cancels a pending recovery", async () => {
      const { citizen, controller } = await registered();
      await (await identity.connect(f.accounts.registrar).initiateRecovery(citizen, f.accounts.others[1].address)).wait();
      await (await identity.connect(controller).rotateKey(citizen, f.accounts.others[2].address)).wait();
      await f.increaseTime(RECOVERY_DELAY);
      await expectRevert(identity.completeRecovery(citizen), "IdentityRegistryNoRecoveryPending");
    });

    it("only registrars start recoveries; only the governor sets the delay, never below one hour", async () => {
      const { citizen } = await registered();
      await expectRevert(
        identity.connect(f.accounts.others[3]).initiateRecovery(citizen, f.accounts.others[3].address),
        "AccessManagedUnauthorized",
      );
      await expectRevert(identity.connect(f.accounts.registrar).setRecoveryDelay(7200), "AccessManagedUnauthorized");
      await expectRevert(
        identity.connect(f.accounts.governor).setRecoveryDelay(60),
        "IdentityRegistryRecoveryDelayTooShort",
        [60, 3600],
      );
      await (await identity.connect(f.accounts.governor).setRecoveryDelay(7200)).wait();
      expect(await identity.recoveryDelay()).toBe(7200n);
    });
  });

  describe("guardians", () => {
    const SCOPES = 0b0110n;

    it("direct: the controller adds a guardian who acts within scopes until expiry", async () => {
      const { citizen, controller } = await registered();
      const guardian = f.accounts.others[4];
      const expiresAt = (await f.now()) + 1000;
      await (await identity.connect(controller).addGuardian(citizen, guardian.address, SCOPES, expiresAt)).wait();
      expect(await identity.isGuardian(citizen, guardian.address, 0b0100n)).toBe(true);
      expect(await identity.isGuardian(citizen, guardian.address, 0b1000n)).toBe(false);
      const [allowed, asGuardian] = await identity.authorizes(citizen, guardian.address, SCOPES);
      expect([allowed, asGuardian]).toEqual([true, true]);
      await f.increaseTime(1000);
      expect(await identity.isGuardian(citizen, guardian.address, 0b0100n)).toBe(false);
    });

    it("signed: the controller's signature adds a guardian", async () => {
      const { citizen, controller } = await registered();
      const guardian = f.accounts.others[4].address;
      const expiresAt = (await f.now()) + 1000;
      const deadline = (await f.now()) + 3600;
      const signature = await signTyped(controller, await domain(), IDENTITY_TYPES, "AddGuardian", {
        citizen,
        guardian,
        scopes: SCOPES,
        expiresAt,
        nonce: 0n,
        deadline,
      });
      await (
        await identity.addGuardianBySig(citizen, guardian, SCOPES, expiresAt, {
          signer: controller.address,
          deadline,
          signature,
        })
      ).wait();
      expect(await identity.isGuardian(citizen, guardian, SCOPES)).toBe(true);
      // A signature by a non-controller is valid as a signature but grants nothing.
      const outsider = f.accounts.others[8];
      const sig2 = await signTyped(outsider, await domain(), IDENTITY_TYPES, "AddGuardian", {
        citizen,
        guardian: outsider.address,
        scopes: SCOPES,
        expiresAt,
        nonce: 0n,
        deadline,
      });
      await expectRevert(
        identity.addGuardianBySig(citizen, outsider.address, SCOPES, expiresAt, {
          signer: outsider.address,
          deadline,
          signature: sig2,
        }),
        "IdentityRegistryNotController",
      );
    });

    it("a registrar appoints a guardian for a minor; others cannot", async () => {
      const { citizen } = await registered();
      const guardian = f.accounts.others[4].address;
      const expiresAt = (await f.now()) + 1000;
      await expectRevert(
        identity.connect(f.accounts.others[5]).appointGuardian(citizen, guardian, SCOPES, expiresAt),
        "AccessManagedUnauthorized",
      );
      await (await identity.connect(f.accounts.registrar).appointGuardian(citizen, guardian, SCOPES, expiresAt)).wait();
      expect(await identity.isGuardian(citizen, guardian, SCOPES)).toBe(true);
    });

    it("refuses bad guardian terms", async () => {
      const { citizen, controller } = await registered();
      const as = identity.connect(controller);
      const later = (await f.now()) + 1000;
      const guardian = f.accounts.others[4].address;
      await expectRevert(as.addGuardian(citizen, ZeroAddress, SCOPES, later), "IdentityRegistryZeroAddress");
      await expectRevert(as.addGuardian(citizen, controller.address, SCOPES, later), "IdentityRegistryKeyInUse");
      await expectRevert(as.addGuardian(citizen, guardian, 0n, later), "IdentityRegistryInvalidScopes");
      await expectRevert(as.addGuardian(citizen, guardian, SCOPES, await f.now()), "IdentityRegistryInvalidExpiry");
      await expectRevert(
        identity.connect(f.accounts.others[5]).addGuardian(citizen, guardian, SCOPES, later),
        "IdentityRegistryNotController",
      );
      await (await as.addGuardian(citizen, guardian, SCOPES, later)).wait();
      await expectRevert(as.addGuardian(citizen, guardian, SCOPES, later), "IdentityRegistryGuardianActive");
    });

    it("removal by controller, guardian, registrar (direct) and by signature; outsiders refused", async () => {
      const { citizen, controller } = await registered();
      const guardian = f.accounts.others[4];
      const expiresAt = (await f.now()) + 100000;
      const add = async () =>
        (await identity.connect(controller).addGuardian(citizen, guardian.address, SCOPES, expiresAt)).wait();

      await add();
      await expectRevert(
        identity.connect(f.accounts.others[5]).removeGuardian(citizen, guardian.address),
        "IdentityRegistryUnauthorized",
      );
      await (await identity.connect(controller).removeGuardian(citizen, guardian.address)).wait();
      expect(await identity.isGuardian(citizen, guardian.address, SCOPES)).toBe(false);
      expect((await identity.getGuardian(citizen, guardian.address)).removedAt).not.toBe(0n);
      await expectRevert(
        identity.connect(controller).removeGuardian(citizen, guardian.address),
        "IdentityRegistryNotGuardian",
      );

      await add();
      await (await identity.connect(guardian).removeGuardian(citizen, guardian.address)).wait();
      await add();
      await (await identity.connect(f.accounts.registrar).removeGuardian(citizen, guardian.address)).wait();

      await add();
      const deadline = (await f.now()) + 3600;
      const nonce = await identity.nonces(controller.address);
      const signature = await signTyped(controller, await domain(), IDENTITY_TYPES, "RemoveGuardian", {
        citizen,
        guardian: guardian.address,
        nonce,
        deadline,
      });
      await (
        await identity.removeGuardianBySig(citizen, guardian.address, { signer: controller.address, deadline, signature })
      ).wait();
      expect(await identity.isGuardian(citizen, guardian.address, SCOPES)).toBe(false);
    });
  });

  describe("deactivation", () => {
    it("ends the identity: no key actions, no guardians, no authorization", async () => {
      const { citizen, controller } = await registered();
      const guardian = f.accounts.others[4].address;
      await (await identity.connect(controller).addGuardian(citizen, guardian, 1n, (await f.now()) + 1000)).wait();
      await expectRevert(
        identity.connect(f.accounts.others[5]).deactivate(citizen, code("deceased")),
        "AccessManagedUnauthorized",
      );
      await expectRevert(identity.connect(f.accounts.registrar).deactivate(citizen, ZeroHash), "IdentityRegistryZeroHash");
      await (await identity.connect(f.accounts.registrar).deactivate(citizen, code("deceased"))).wait();
      expect(await identity.isActive(citizen)).toBe(false);
      expect(await identity.isGuardian(citizen, guardian, 1n)).toBe(false);
      expect((await identity.authorizes(citizen, controller.address, 1n))[0]).toBe(false);
      await expectRevert(
        identity.connect(controller).rotateKey(citizen, f.accounts.others[1].address),
        "IdentityRegistryInactiveIdentity",
      );
      await expectRevert(
        identity.connect(f.accounts.registrar).deactivate(citizen, code("deceased")),
        "IdentityRegistryInactiveIdentity",
      );
      await expectRevert(
        identity.connect(f.accounts.registrar).register(citizen, f.accounts.others[1].address, randomId(), 2),
        "IdentityRegistryAlreadyRegistered",
      );
    });
  });

  describe("attestations", () => {
    it("an attester attests and revokes; validity follows expiry and the subject", async () => {
      const { citizen } = await registered();
      const topic = code("employed");
      const expiresAt = (await f.now()) + 500;
      await expectRevert(
        identity.connect(f.accounts.others[5]).attest(citizen, topic, randomId(), expiresAt),
        "AccessManagedUnauthorized",
      );
      const attester = identity.connect(f.accounts.attester);
      await expectRevert(attester.attest(citizen, ZeroHash, randomId(), expiresAt), "IdentityRegistryZeroHash");
      await expectRevert(attester.attest(randomId(), topic, randomId(), expiresAt), "IdentityRegistryUnknownIdentity");
      const receipt = await (await attester.attest(citizen, topic, randomId(), expiresAt)).wait();
      const uid = identity.interface.parseLog(receipt.logs[0])?.args.uid as string;
      expect(await identity.isAttestationValid(uid)).toBe(true);
      const stored = await identity.getAttestation(uid);
      expect(stored.attester).toBe(f.accounts.attester.address);
      expect(stored.topic).toBe(topic);
      await f.increaseTime(500);
      expect(await identity.isAttestationValid(uid)).toBe(false);

      const receipt2 = await (await attester.attest(citizen, topic, randomId(), 0)).wait();
      const uid2 = identity.interface.parseLog(receipt2.logs[0])?.args.uid as string;
      await expectRevert(
        identity.connect(f.accounts.others[5]).revokeAttestation(uid2),
        "IdentityRegistryUnauthorized",
      );
      await (await attester.revokeAttestation(uid2)).wait();
      expect(await identity.isAttestationValid(uid2)).toBe(false);
      await expectRevert(attester.revokeAttestation(uid2), "IdentityRegistryAttestationRevoked");
      await expectRevert(attester.revokeAttestation(randomId()), "IdentityRegistryUnknownAttestation");
    });
  });
});
