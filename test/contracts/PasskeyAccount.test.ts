import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Interface, TypedDataEncoder, ZeroHash, hexlify, keccak256, randomBytes, toUtf8Bytes } from "ethers";
import { encodeWebAuthnSignature, passkeyAccountAddress, passkeyChallenge, type Hex } from "@imi-ledger/sdk";
import { deployImi, type ImiContract, RECOVERY_DELAY, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";
import { CONSENT_TYPES, IDENTITY_TYPES, code, domainOf, type Domain } from "../helpers/typedData.js";
import { softPasskey, type SoftPasskey } from "../helpers/softPasskey.js";

// Everything runs twice: on a cancun network, where 0x100 is empty and OpenZeppelin's P256 falls
// back to its Solidity verifier (what a chain without EIP-7951 does), and on osaka, where the
// P256VERIFY precompile answers (what the embedded chain runs, see test/node/chain/p256Precompile.test.ts).
const NETWORKS = [
  ["without the P-256 precompile (cancun)", "cancun"],
  ["with the P-256 precompile (osaka, EIP-7951)", "osaka"],
] as const;
const MAGIC = "0x1626ba7e";
const REFUSED = "0xffffffff";
const randomId = () => hexlify(randomBytes(32));
const ADDRESS = 1n << 2n;
const INCOME = 1n << 5n;

describe.each(NETWORKS)("PasskeyAccount %s", (_label, hardfork) => {
  let f: ImiFixture;
  let factory: ImiContract;
  let identity: ImiContract;
  let consents: ImiContract;
  let snapshotId: string;

  beforeAll(async () => {
    f = await deployImi({ hardfork });
    factory = (f.contracts as unknown as { passkeyAccountFactory: ImiContract }).passkeyAccountFactory;
    identity = f.contracts.identityRegistry;
    consents = f.contracts.consentRegistry;
  });
  beforeEach(async () => {
    if (snapshotId) await f.revert(snapshotId);
    snapshotId = await f.snapshot();
  });

  async function deployed(key: SoftPasskey) {
    await (await factory.createAccount(key.publicKey.x, key.publicKey.y)).wait();
    const address = (await factory.accountAddress(key.publicKey.x, key.publicKey.y)) as string;
    return { address, account: await f.ethers.getContractAt("PasskeyAccount", address) };
  }

  const sign = async (key: SoftPasskey, digest: string) => encodeWebAuthnSignature(await key.get(passkeyChallenge(digest as Hex)));

  async function signTypedWithPasskey(key: SoftPasskey, domain: Domain, types: Record<string, readonly { name: string; type: string }[]>, primary: string, message: Record<string, unknown>) {
    return sign(key, TypedDataEncoder.hash(domain, { [primary]: [...types[primary]] }, message));
  }

  describe("factory", () => {
    it("deploys the account at the address the SDK computes from the key, once", async () => {
      const key = softPasskey();
      const factoryAddress = (await factory.getAddress()) as Hex;
      const predicted = passkeyAccountAddress({ factory: factoryAddress, publicKey: key.publicKey });
      expect(await factory.accountAddress(key.publicKey.x, key.publicKey.y)).toBe(predicted);
      expect(passkeyAccountAddress({ factory: factoryAddress, publicKey: key.publicKey, implementation: await factory.implementation() })).toBe(predicted);
      expect(await f.ethers.provider.getCode(predicted)).toBe("0x");

      const receipt = await (await factory.createAccount(key.publicKey.x, key.publicKey.y)).wait();
      const event = receipt.logs.map((l: { topics: string[]; data: string }) => factory.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "PasskeyAccountCreated");
      expect(event?.args.account).toBe(predicted);
      expect(await f.ethers.provider.getCode(predicted)).not.toBe("0x");
      const account = await f.ethers.getContractAt("PasskeyAccount", predicted);
      expect(await account.signer()).toEqual([key.publicKey.x, key.publicKey.y]);

      // Deploying again is harmless: same address, no second event.
      const again = await (await factory.createAccount(key.publicKey.x, key.publicKey.y)).wait();
      expect(again.logs).toHaveLength(0);
    });

    it("refuses a point that is not on P-256, deploying nothing", async () => {
      const key = softPasskey();
      const bad = "0x" + (BigInt(key.publicKey.y) ^ 1n).toString(16).padStart(64, "0");
      await expectRevert(factory.createAccount(key.publicKey.x, bad), "PasskeyAccountFactoryInvalidKey", [key.publicKey.x, bad]);
      expect(await f.ethers.provider.getCode(await factory.accountAddress(key.publicKey.x, bad))).toBe("0x");
    });

    it("the network has the precompile exactly when it should", async () => {
      const probe = await f.ethers.provider.getCode("0x0000000000000000000000000000000000000100");
      expect(probe).toBe("0x");
      const key = softPasskey();
      const { address } = await deployed(key);
      const digest = keccak256(toUtf8Bytes("gas"));
      const data = new Interface(["function isValidSignature(bytes32,bytes)"]).encodeFunctionData("isValidSignature", [digest, await sign(key, digest)]);
      const gas = await f.ethers.provider.estimateGas({ to: address, data });
      // Solidity P-256 costs far more than 100,000 gas; the precompile 6,900 plus the WebAuthn checks.
      if (hardfork === "osaka") expect(gas).toBeLessThan(100_000n);
      else expect(gas).toBeGreaterThan(100_000n);
    });

    it("the implementation itself accepts no signature", async () => {
      const impl = await f.ethers.getContractAt("PasskeyAccount", await factory.implementation());
      expect(await impl.signer()).toEqual([ZeroHash, ZeroHash]);
      const key = softPasskey();
      const digest = keccak256(toUtf8Bytes("anything"));
      expect(await impl.isValidSignature(digest, await sign(key, digest))).toBe(REFUSED);
    });
  });

  describe("ERC-1271", () => {
    it("answers the magic value for the key's WebAuthn assertion over the hash, and only then", async () => {
      const key = softPasskey();
      const { account } = await deployed(key);
      const digest = keccak256(toUtf8Bytes("grant"));
      const signature = await sign(key, digest);
      expect(await account.isValidSignature(digest, signature)).toBe(MAGIC);
      expect(await account.isValidSignature(keccak256(toUtf8Bytes("other")), signature)).toBe(REFUSED);
      expect(await account.isValidSignature(digest, await sign(softPasskey(), digest))).toBe(REFUSED);
      expect(await account.isValidSignature(digest, "0x" + "00".repeat(65))).toBe(REFUSED);
      expect(await account.isValidSignature(digest, "0x")).toBe(REFUSED);
    });

    it("refuses an assertion without user verification (face or fingerprint)", async () => {
      const key = softPasskey({ flags: 0x01 });
      const { account } = await deployed(key);
      const digest = keccak256(toUtf8Bytes("grant"));
      expect(await account.isValidSignature(digest, await sign(key, digest))).toBe(REFUSED);
    });

    it("accepts what real authenticators produce half the time: a high-s signature, normalised by the SDK", async () => {
      const key = softPasskey({ allowHighS: true });
      const { account } = await deployed(key);
      for (let i = 0; i < 6; i++) {
        const digest = keccak256(toUtf8Bytes(`grant ${i}`));
        expect(await account.isValidSignature(digest, await sign(key, digest))).toBe(MAGIC);
      }
    });
  });

  describe("as an identity's controller", () => {
    const identityDomain = async () => domainOf("IMI IdentityRegistry", f.chainId, await identity.getAddress());
    const consentDomain = async () => domainOf("IMI ConsentRegistry", f.chainId, await consents.getAddress());

    async function citizenWithPasskey() {
      const key = softPasskey();
      const { address } = await deployed(key);
      const citizen = randomId();
      await (await identity.connect(f.accounts.registrar).register(citizen, address, randomId(), 2)).wait();
      return { key, address, citizen };
    }

    it("consent grant, pause, resume and revoke signed by the passkey, relayed by anyone", async () => {
      const { key, address, citizen } = await citizenWithPasskey();
      const relayer = consents.connect(f.accounts.gateway);
      const now = await f.now();
      const req = {
        citizen,
        agency: f.accounts.agency.address,
        scopes: ADDRESS | INCOME,
        purpose: code("social-benefits"),
        validFrom: now,
        validUntil: now + 30 * 24 * 3600,
        maxUses: 10,
      };
      const deadline = now + 3600;
      const grantSig = await signTypedWithPasskey(key, await consentDomain(), CONSENT_TYPES, "Grant", { ...req, nonce: 0n, deadline });
      const receipt = await (await relayer.grantBySig(req, { signer: address, deadline, signature: grantSig })).wait();
      const consentId = receipt.logs.map((l: { topics: string[]; data: string }) => consents.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "ConsentGranted")!.args.consentId as string;
      expect((await consents.getConsent(consentId)).grantedBy).toBe(address);

      let nonce = 1n;
      for (const [primary, fn, status] of [
        ["Pause", "pauseBySig", 2n],
        ["Resume", "resumeBySig", 1n],
        ["Revoke", "revokeBySig", 3n],
      ] as const) {
        const signature = await signTypedWithPasskey(key, await consentDomain(), CONSENT_TYPES, primary, { consentId, nonce, deadline });
        await (await relayer[fn](consentId, { signer: address, deadline, signature })).wait();
        expect((await consents.getConsent(consentId)).status).toBe(status);
        nonce += 1n;
      }
      // A replay (nonce used) and another passkey's assertion are both refused.
      const stale = await signTypedWithPasskey(key, await consentDomain(), CONSENT_TYPES, "Revoke", { consentId, nonce: 0n, deadline });
      await expectRevert(relayer.revokeBySig(consentId, { signer: address, deadline, signature: stale }), "ImiSignedInvalidSignature", [address]);
    });

    it("adds and removes a guardian signed by the passkey", async () => {
      const { key, address, citizen } = await citizenWithPasskey();
      const guardian = f.accounts.others[3].address;
      const deadline = (await f.now()) + 3600;
      const expiresAt = (await f.now()) + 365 * 24 * 3600;
      const add = await signTypedWithPasskey(key, await identityDomain(), IDENTITY_TYPES, "AddGuardian", { citizen, guardian, scopes: ADDRESS, expiresAt, nonce: 0n, deadline });
      await (await identity.addGuardianBySig(citizen, guardian, ADDRESS, expiresAt, { signer: address, deadline, signature: add })).wait();
      expect(await identity.isGuardian(citizen, guardian, ADDRESS)).toBe(true);
      const remove = await signTypedWithPasskey(key, await identityDomain(), IDENTITY_TYPES, "RemoveGuardian", { citizen, guardian, nonce: 1n, deadline });
      await (await identity.removeGuardianBySig(citizen, guardian, { signer: address, deadline, signature: remove })).wait();
      expect(await identity.isGuardian(citizen, guardian, ADDRESS)).toBe(false);
    });

    it("rotates to a new passkey's account with the old passkey's signature", async () => {
      const { key, address, citizen } = await citizenWithPasskey();
      const next = softPasskey();
      const nextAddress = await factory.accountAddress(next.publicKey.x, next.publicKey.y);
      const deadline = (await f.now()) + 3600;
      const signature = await signTypedWithPasskey(key, await identityDomain(), IDENTITY_TYPES, "RotateKey", { citizen, newController: nextAddress, nonce: 0n, deadline });
      await (await identity.rotateKeyBySig(citizen, nextAddress, { signer: address, deadline, signature })).wait();
      expect(await identity.controllerOf(citizen)).toBe(nextAddress);
      // The new account need not exist yet to be named; once deployed it signs.
      await deployed(next);
      const back = await signTypedWithPasskey(next, await identityDomain(), IDENTITY_TYPES, "RotateKey", { citizen, newController: f.accounts.others[5].address, nonce: 0n, deadline });
      await (await identity.rotateKeyBySig(citizen, f.accounts.others[5].address, { signer: nextAddress, deadline, signature: back })).wait();
      expect(await identity.controllerOf(citizen)).toBe(f.accounts.others[5].address);
    });

    it("lost phone: the counter starts a recovery to a new passkey; the old passkey can cancel it, else it completes after the delay", async () => {
      const { key, address, citizen } = await citizenWithPasskey();
      const replacement = softPasskey();
      const replacementAddress = await factory.accountAddress(replacement.publicKey.x, replacement.publicKey.y);
      await (await identity.connect(f.accounts.registrar).initiateRecovery(citizen, replacementAddress)).wait();
      const deadline = (await f.now()) + 3600;
      const cancel = await signTypedWithPasskey(key, await identityDomain(), IDENTITY_TYPES, "CancelRecovery", { citizen, nonce: 0n, deadline });
      await (await identity.cancelRecoveryBySig(citizen, { signer: address, deadline, signature: cancel })).wait();
      await expectRevert(identity.completeRecovery(citizen), "IdentityRegistryNoRecoveryPending");

      await (await identity.connect(f.accounts.registrar).initiateRecovery(citizen, replacementAddress)).wait();
      await f.increaseTime(RECOVERY_DELAY + 1);
      await (await identity.completeRecovery(citizen)).wait();
      expect(await identity.controllerOf(citizen)).toBe(replacementAddress);
    });
  });
});
