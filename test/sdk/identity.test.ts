import { beforeAll, describe, expect, test } from "vitest";
import {
  ContractRevertError,
  IdentityRegistryNotControllerError,
  IdentityRegistryRecoveryNotReadyError,
  ImiError,
  InvalidAddressError,
  ENTERPRISE_SCOPES,
  appointStaff,
  code,
  createImiClient,
  enterpriseIdOf,
  randomBytes32,
  removeStaff,
  signEnterpriseIdentityProof,
  signIdentityProof,
  type Hex,
} from "@imi-ledger/sdk";
import { RECOVERY_DELAY, ROLE } from "../helpers/deployImi.js";
import { caught, sdkFixture, type SdkFixture } from "./fixture.js";

let fx: SdkFixture;
beforeAll(async () => {
  fx = await sdkFixture();
});

describe("identity actions", () => {
  test("register and read back", async () => {
    const { citizen, key } = await fx.registerCitizen(3);
    const identity = await fx.clients.reader.identity.get({ citizen });
    expect(identity).toMatchObject({ citizen, controller: key.address, status: "active", level: 3 });
    expect(await fx.clients.reader.identity.identityOf({ key: key.address })).toBe(citizen);
    expect(await fx.clients.reader.identity.identityOf({ key: fx.freshAccount().address })).toBeNull();
  });

  test("a registrar-only call from a citizen decodes AccessManagedUnauthorized", async () => {
    const { client } = await fx.registerCitizen();
    const error = await caught(() =>
      client.identity.register({ citizen: randomBytes32(), controller: fx.freshAccount().address, commitment: randomBytes32(), level: 1 }),
    );
    expect(error).toBeInstanceOf(ContractRevertError);
    expect(error.code).toBe("CONTRACT_REVERT");
    expect((error as ContractRevertError).errorName).toBe("AccessManagedUnauthorized");
  });

  test("rotate key directly, then by a relayed signature", async () => {
    const { citizen, client } = await fx.registerCitizen();
    const second = fx.freshAccount();
    await client.identity.rotateKey({ citizen, newController: second.address });
    expect((await fx.clients.reader.identity.get({ citizen })).controller).toBe(second.address);

    const third = fx.freshAccount();
    const signed = await fx.clientFor(second).identity.signRotateKey({ citizen, newController: third.address });
    expect(signed.typedData.primaryType).toBe("RotateKey");
    await fx.clients.gateway.identity.rotateKey({ citizen, newController: third.address, authorization: signed.authorization });
    expect((await fx.clients.reader.identity.get({ citizen })).controller).toBe(third.address);
  });

  test("the old key can no longer rotate: named error with arguments", async () => {
    const { citizen, client, key } = await fx.registerCitizen();
    await client.identity.rotateKey({ citizen, newController: fx.freshAccount().address });
    const error = await caught(() => client.identity.rotateKey({ citizen, newController: fx.freshAccount().address }));
    expect(error).toBeInstanceOf(IdentityRegistryNotControllerError);
    expect((error as IdentityRegistryNotControllerError).args).toEqual({ citizen, account: key.address });
  });

  test("recovery: initiate, cannot complete early, cancel by signature, initiate again and complete", async () => {
    const { citizen, client } = await fx.registerCitizen();
    const lost = fx.freshAccount();
    const { executableAt } = await fx.clients.registrar.identity.initiateRecovery({ citizen, newController: lost.address });
    expect((await fx.clients.reader.identity.getRecovery({ citizen }))?.executableAt).toBe(executableAt);
    const helper = await fx.fundedAccount();
    const early = await caught(() => fx.clients.reader.identity.completeRecovery({ citizen, account: helper }));
    expect(early).toBeInstanceOf(IdentityRegistryRecoveryNotReadyError);

    // The citizen's key objects directly once, then (after a second attempt) by a relayed signature.
    await client.identity.cancelRecovery({ citizen });
    expect(await fx.clients.reader.identity.getRecovery({ citizen })).toBeNull();
    await fx.clients.registrar.identity.initiateRecovery({ citizen, newController: fx.freshAccount().address });
    const signed = await client.identity.signCancelRecovery({ citizen });
    await fx.clients.gateway.identity.cancelRecovery({ citizen, authorization: signed.authorization });
    expect(await fx.clients.reader.identity.getRecovery({ citizen })).toBeNull();

    const fresh = fx.freshAccount();
    await fx.clients.registrar.identity.initiateRecovery({ citizen, newController: fresh.address });
    await fx.increaseTime(RECOVERY_DELAY + 1);
    await fx.clients.gateway.identity.completeRecovery({ citizen });
    expect((await fx.clients.reader.identity.get({ citizen })).controller).toBe(fresh.address);
  });

  test("guardians: added by signature, by a registrar, removed directly and by signature", async () => {
    const { citizen, client } = await fx.registerCitizen();
    const guardian = fx.freshAccount();
    const expiresAt = BigInt(await fx.now()) + 86_400n;
    const signed = await client.identity.signAddGuardian({ citizen, guardian: guardian.address, scopes: 0b110n, expiresAt });
    await fx.clients.gateway.identity.addGuardian({ citizen, guardian: guardian.address, scopes: 0b110n, expiresAt, authorization: signed.authorization });
    expect(await fx.clients.reader.identity.getGuardian({ citizen, guardian: guardian.address })).toMatchObject({ scopes: 6n, active: true });
    expect(await fx.clients.reader.identity.authorizes({ citizen, actor: guardian.address, scopes: 0b100n })).toEqual({
      allowed: true,
      asGuardian: true,
    });
    expect(await fx.clients.reader.identity.authorizes({ citizen, actor: guardian.address, scopes: 0b1n })).toEqual({
      allowed: false,
      asGuardian: false,
    });
    const removal = await client.identity.signRemoveGuardian({ citizen, guardian: guardian.address });
    await fx.clients.gateway.identity.removeGuardian({ citizen, guardian: guardian.address, authorization: removal.authorization });
    expect((await fx.clients.reader.identity.getGuardian({ citizen, guardian: guardian.address })).active).toBe(false);

    const appointed = await fx.fundedAccount();
    await fx.clients.registrar.identity.addGuardian({ citizen, guardian: appointed.address, scopes: 1n, expiresAt, by: "registrar" });
    expect((await fx.clients.reader.identity.getGuardian({ citizen, guardian: appointed.address })).active).toBe(true);
    await fx.clientFor(appointed).identity.removeGuardian({ citizen, guardian: appointed.address });
    expect((await fx.clients.reader.identity.getGuardian({ citizen, guardian: appointed.address })).removedAt).toBeGreaterThan(0n);
  });

  test("the governor changes the recovery delay; too short is refused with the contract's minimum", async () => {
    await fx.clients.governor.identity.setRecoveryDelay({ delay: 2 * 86_400 });
    const { citizen } = await fx.registerCitizen();
    const { executableAt } = await fx.clients.registrar.identity.initiateRecovery({ citizen, newController: fx.freshAccount().address });
    expect(executableAt - BigInt(await fx.now())).toBeLessThanOrEqual(2n * 86_400n);
    const error = await caught(() => fx.clients.governor.identity.setRecoveryDelay({ delay: 60 }));
    expect(error).toMatchObject({ code: "CONTRACT_REVERT", errorName: "IdentityRegistryRecoveryDelayTooShort", args: { delay: 60n, minimum: 3600n } });
    await fx.clients.governor.identity.setRecoveryDelay({ delay: RECOVERY_DELAY });
  });

  test("update record, deactivate", async () => {
    const { citizen } = await fx.registerCitizen(1);
    const commitment = randomBytes32();
    await fx.clients.registrar.identity.updateRecord({ citizen, commitment, level: 2 });
    expect(await fx.clients.reader.identity.get({ citizen })).toMatchObject({ commitment, level: 2 });
    await fx.clients.registrar.identity.deactivate({ citizen, reason: code("deceased") });
    expect((await fx.clients.reader.identity.get({ citizen })).status).toBe("deactivated");
  });

  test("attest and revoke an attestation", async () => {
    const { citizen } = await fx.registerCitizen();
    const { uid } = await fx.clients.attester.identity.attest({ subject: citizen, topic: code("employed"), valueHash: code("yes") });
    expect(await fx.clients.reader.identity.getAttestation({ uid })).toMatchObject({ subject: citizen, valid: true });
    await fx.clients.attester.identity.revokeAttestation({ uid });
    expect((await fx.clients.reader.identity.getAttestation({ uid })).valid).toBe(false);
  });

  test("prove identity without an ID card: signed challenge checked against the registered key", async () => {
    const { citizen, key, client } = await fx.registerCitizen(3);
    const challenge = randomBytes32();
    const issuedAt = await fx.now();
    const proof = signIdentityProof(key, { chainId: fx.deployment.chainId, citizen, audience: "district-office", challenge, issuedAt });
    const verifier = fx.clients.reader.identity;
    expect(await verifier.verifyProof({ proof, challenge, audience: "district-office" })).toEqual({ valid: true, citizen, level: 3 });
    expect(await verifier.verifyProof({ proof, challenge: randomBytes32(), audience: "district-office" })).toMatchObject({ reason: "wrongChallenge" });
    expect(await verifier.verifyProof({ proof, challenge, audience: "another" })).toMatchObject({ reason: "wrongAudience" });
    const impostor = signIdentityProof(fx.freshAccount(), { chainId: fx.deployment.chainId, citizen, audience: "district-office", challenge, issuedAt });
    expect(await verifier.verifyProof({ proof: impostor, challenge, audience: "district-office" })).toMatchObject({ reason: "notController" });
    await client.identity.rotateKey({ citizen, newController: fx.freshAccount().address });
    expect(await verifier.verifyProof({ proof, challenge, audience: "district-office" })).toMatchObject({ reason: "notController" });
  });

  test("a representative proves she acts for an enterprise: the same proof machinery, checked against the EnterpriseRegistry now", async () => {
    const f = fx;
    const deployment = { ...fx.deployment, contracts: { ...fx.deployment.contracts, enterpriseRegistry: (await f.contracts.enterpriseRegistry.getAddress()) as Hex } };
    const reader = createImiClient({ rpc: fx.rpc, deployment });
    const counter = f.accounts.others[9];
    await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(ROLE.COUNTER, counter.address, 0)).wait();
    const rep = await fx.registerCitizen(3);
    const staff = await fx.registerCitizen(2);
    const enterprise = enterpriseIdOf("91350100M000100Y43");
    await (await f.contracts.enterpriseRegistry.connect(counter).register(enterprise, randomBytes32(), rep.citizen)).wait();
    const until = (await fx.now()) + 86400;
    const repClient = createImiClient({ rpc: fx.rpc, deployment, account: rep.key });
    await appointStaff(repClient, { enterprise, staff: staff.citizen, scopes: ENTERPRISE_SCOPES.identity, expiresAt: until });
    const challenge = randomBytes32();
    const audience = "tax-bureau-counter";
    const verify = (proof: Parameters<typeof reader.identity.verifyProof>[0]["proof"]) => reader.identity.verifyProof({ proof, challenge, audience });

    const byRep = await repClient.identity.prove({ citizen: rep.citizen, audience, challenge, enterprise, scopes: ENTERPRISE_SCOPES.consent });
    expect(await verify(byRep)).toEqual({ valid: true, citizen: rep.citizen, level: 3, enterprise, scopes: ENTERPRISE_SCOPES.identity | ENTERPRISE_SCOPES.consent, asLegalRepresentative: true });
    const byStaff = signEnterpriseIdentityProof(staff.key, { chainId: deployment.chainId, citizen: staff.citizen, enterprise, audience, challenge, issuedAt: await fx.now() });
    expect(await verify(byStaff)).toMatchObject({ valid: true, asLegalRepresentative: false });
    // Out of scope: the staff member holds identity, not consent.
    const beyond = signEnterpriseIdentityProof(staff.key, { chainId: deployment.chainId, citizen: staff.citizen, enterprise, scopes: ENTERPRISE_SCOPES.consent, audience, challenge, issuedAt: await fx.now() });
    expect(await verify(beyond)).toEqual({ valid: false, reason: "notRepresentative" });
    // A citizen's proof is not an enterprise's: the same signature with the enterprise added does not verify.
    const plain = signIdentityProof(rep.key, { chainId: deployment.chainId, citizen: rep.citizen, audience, challenge, issuedAt: await fx.now() });
    expect(await verify({ message: { ...plain.message, enterprise, scopes: "8" } as never, signature: plain.signature })).toMatchObject({ valid: false, reason: "badSignature" });
    await removeStaff(repClient, { enterprise, staff: staff.citizen });
    expect(await verify(byStaff)).toEqual({ valid: false, reason: "notRepresentative" });
    await (await f.contracts.enterpriseRegistry.connect(counter).deregister(enterprise, code("deregistered"))).wait();
    expect(await verify(byRep)).toEqual({ valid: false, reason: "enterpriseInactive" });
  });

  test("bad input throws a named error before anything is sent", async () => {
    const { citizen, key, client } = await fx.registerCitizen();
    const before = await fx.ethers.provider.getTransactionCount(key.address);
    const error = await caught(() => client.identity.rotateKey({ citizen, newController: "0x1234" as never }));
    expect(error).toBeInstanceOf(InvalidAddressError);
    expect(error.code).toBe("INVALID_ADDRESS");
    expect((await caught(() => client.identity.rotateKey({ citizen: "0xabc" as never, newController: key.address }))).code).toBe("INVALID_HASH");
    expect((await caught(() => client.identity.signRotateKey({ citizen, newController: key.address, deadline: 1 }))).code).toBe(
      "DEADLINE_EXPIRED",
    );
    expect(await caught(() => fx.clients.reader.identity.completeRecovery({ citizen }))).toMatchObject({ code: "ACCOUNT_REQUIRED" });
    expect(await fx.ethers.provider.getTransactionCount(key.address)).toBe(before);
    expect(error).toBeInstanceOf(ImiError);
  });
});
