import { verifyTypedData as ethersVerifyTypedData } from "ethers";
import { beforeAll, describe, expect, test } from "vitest";
import {
  ConsentRegistryInvalidTransitionError,
  createImiClient,
  ConsentRegistryUnauthorizedError,
  ImiSignedInvalidSignatureError,
  grantTypedData,
  purposeCode,
  randomBytes32,
  scopesOf,
  verifyTypedData,
  type GrantRequest,
  type Hex,
} from "@imi-ledger/sdk";
import { caught, sdkFixture, type SdkFixture } from "./fixture.js";

let fx: SdkFixture;
beforeAll(async () => {
  fx = await sdkFixture();
});

const BENEFITS = purposeCode("social-benefits");

async function request(citizen: `0x${string}`, overrides: Partial<GrantRequest> = {}): Promise<GrantRequest> {
  const now = await fx.now();
  return {
    citizen,
    agency: fx.accounts.agency.address as `0x${string}`,
    scopes: scopesOf([1, 3]),
    purpose: BENEFITS,
    validFrom: now,
    validUntil: now + 30 * 86_400,
    maxUses: 5,
    ...overrides,
  };
}

describe("consent actions", () => {
  test("grant signed by the citizen's wallet and relayed by the gateway; the signature verifies offline and with ethers", async () => {
    const { citizen, key } = await fx.registerCitizen();
    const wallet = fx.clientFor(key);
    const req = await request(citizen);
    const { authorization, typedData } = await wallet.consent.signGrant({ request: req });

    expect(typedData.domain).toEqual({
      name: "IMI ConsentRegistry",
      version: "1",
      chainId: fx.deployment.chainId,
      verifyingContract: fx.deployment.contracts.consentRegistry,
    });
    expect(verifyTypedData({ typedData, signature: authorization.signature, signer: key.address })).toBe(true);
    expect(ethersVerifyTypedData(typedData.domain, { Grant: [...typedData.types.Grant] }, typedData.message, authorization.signature)).toBe(
      key.address,
    );
    // The same builder, used offline with the nonce read separately, gives the same message.
    const nonce = await fx.clients.reader.signing.getNonce({ contract: "consentRegistry", signer: key.address });
    const rebuilt = grantTypedData({
      chainId: fx.deployment.chainId,
      verifyingContract: fx.deployment.contracts.consentRegistry,
      request: req,
      nonce,
      deadline: authorization.deadline,
    });
    expect(rebuilt).toEqual(typedData);

    const { consentId } = await fx.clients.gateway.consent.grant({ request: req, authorization });
    const consent = await fx.clients.reader.consent.get({ consentId });
    expect(consent).toMatchObject({ citizen, status: "active", scopes: scopesOf([1, 3]), maxUses: 5n, grantedBy: key.address, byGuardian: false });
    expect(await fx.clients.reader.consent.check({ agency: req.agency, citizen, scopes: scopesOf([3]), purpose: BENEFITS })).toEqual({
      allowed: true,
      decision: "Allowed",
      grantId: consentId,
    });
    expect(
      await fx.clients.reader.consent.check({ grantId: consentId, agency: req.agency, citizen, scopes: scopesOf([2]), purpose: BENEFITS }),
    ).toMatchObject({ allowed: false, decision: "ScopeNotCovered" });
  });

  test("a replayed signature is refused on chain with a named error", async () => {
    const { citizen, client } = await fx.registerCitizen();
    const req = await request(citizen);
    const { authorization } = await client.consent.signGrant({ request: req });
    await fx.clients.gateway.consent.grant({ request: req, authorization });
    const error = await caught(() => fx.clients.gateway.consent.grant({ request: req, authorization }));
    expect(error).toBeInstanceOf(ImiSignedInvalidSignatureError);
  });

  test("a second signature made before the first is relayed is refused: one outstanding signature per signer", async () => {
    const { citizen, client } = await fx.registerCitizen();
    const first = await request(citizen, { purpose: purposeCode("first") });
    const second = await request(citizen, { purpose: purposeCode("second") });
    const a = await client.consent.signGrant({ request: first });
    const b = await client.consent.signGrant({ request: second });
    await fx.clients.gateway.consent.grant({ request: first, authorization: a.authorization });
    expect(await caught(() => fx.clients.gateway.consent.grant({ request: second, authorization: b.authorization }))).toBeInstanceOf(
      ImiSignedInvalidSignatureError,
    );
  });

  test("pause, resume and revoke: direct and signed; list shows current status", async () => {
    const { citizen, client } = await fx.registerCitizen();
    const { consentId } = await client.consent.grant({ request: await request(citizen) });
    const { consentId: second } = await client.consent.grant({ request: await request(citizen, { purpose: purposeCode("housing") }) });

    expect((await client.consent.pause({ consentId })).status).toBe("paused");
    expect((await fx.clients.reader.consent.check({ grantId: consentId, agency: fx.accounts.agency.address as `0x${string}`, citizen, scopes: 2n, purpose: BENEFITS })).decision).toBe("Paused");
    const resume = await client.consent.signResume({ consentId });
    expect((await fx.clients.gateway.consent.resume({ consentId, authorization: resume.authorization })).status).toBe("active");
    const pause = await client.consent.signPause({ consentId: second });
    await fx.clients.gateway.consent.pause({ consentId: second, authorization: pause.authorization });
    const revoke = await client.consent.signRevoke({ consentId });
    expect((await fx.clients.gateway.consent.revoke({ consentId, authorization: revoke.authorization })).status).toBe("revoked");

    const error = await caught(() => client.consent.resume({ consentId }));
    expect(error).toBeInstanceOf(ConsentRegistryInvalidTransitionError);

    const listed = await fx.clients.reader.consent.list({ citizen });
    expect(listed.map((c) => [c.consentId, c.status])).toEqual([
      [consentId, "revoked"],
      [second, "paused"],
    ]);
    expect(await fx.clients.reader.consent.list({ citizen, status: ["active", "paused"] })).toHaveLength(1);
  });

  test("a guardian grants within its scopes; beyond them the contract's error is decoded with arguments", async () => {
    const { citizen, client } = await fx.registerCitizen();
    const guardian = await fx.fundedAccount();
    await client.identity.addGuardian({ citizen, guardian: guardian.address, scopes: scopesOf([1, 3]), expiresAt: (await fx.now()) + 86_400 });
    const asGuardian = fx.clientFor(guardian);
    const { consentId } = await asGuardian.consent.grant({ request: await request(citizen) });
    expect((await fx.clients.reader.consent.get({ consentId })).byGuardian).toBe(true);
    const error = await caught(async () => asGuardian.consent.grant({ request: await request(citizen, { scopes: scopesOf([1, 2]) }) }));
    expect(error).toBeInstanceOf(ConsentRegistryUnauthorizedError);
    expect((error as ConsentRegistryUnauthorizedError).args).toEqual({ citizen, actor: guardian.address, scopes: scopesOf([1, 2]) });
  });

  test("statutory access: granted by the governor, reviewed by an auditor, revoked", async () => {
    const { citizen } = await fx.registerCitizen();
    const now = await fx.now();
    const { grantId } = await fx.clients.governor.consent.grantStatutory({
      agency: fx.accounts.agency2.address as `0x${string}`,
      scopes: 1n,
      purpose: purposeCode("tax-audit"),
      legalBasis: purposeCode("tax-act-s12"),
      validFrom: now,
      validUntil: now + 86_400,
    });
    const check = { grantId, agency: fx.accounts.agency2.address as `0x${string}`, citizen, scopes: 1n, purpose: purposeCode("tax-audit") };
    expect((await fx.clients.reader.consent.check(check)).allowed).toBe(true);
    await fx.clients.auditor.consent.reviewStatutory({ grantId, outcome: purposeCode("lawful") });
    await fx.clients.governor.consent.revokeStatutory({ grantId });
    expect((await fx.clients.reader.consent.check(check)).allowed).toBe(false);
  });

  test("bad input throws before signing or sending", async () => {
    const { citizen, key, client } = await fx.registerCitizen();
    const before = await fx.ethers.provider.getTransactionCount(key.address);
    const req = await request(citizen);
    expect(await caught(() => client.consent.signGrant({ request: { ...req, agency: "0xnot-an-address" as never } }))).toMatchObject({
      code: "INVALID_ADDRESS",
    });
    expect(await caught(() => client.consent.signGrant({ request: { ...req, purpose: "0x1234" as never } }))).toMatchObject({ code: "INVALID_HASH" });
    expect(await caught(() => client.consent.signGrant({ request: { ...req, scopes: 0n } }))).toMatchObject({ code: "INVALID_NUMBER" });
    const past = (await fx.now()) - 1;
    expect(await caught(() => client.consent.signGrant({ request: req, deadline: past }))).toMatchObject({ code: "DEADLINE_EXPIRED" });
    const { authorization } = await client.consent.signGrant({ request: req, deadline: (await fx.now()) + 60 });
    await fx.increaseTime(120);
    expect(await caught(() => fx.clients.gateway.consent.grant({ request: req, authorization }))).toMatchObject({ code: "DEADLINE_EXPIRED" });
    expect(
      await caught(() =>
        grantTypedData({ chainId: 0, verifyingContract: fx.deployment.contracts.consentRegistry, request: req, nonce: 0, deadline: 1 }),
      ),
    ).toMatchObject({ code: "INVALID_NUMBER" });
    expect(await fx.ethers.provider.getTransactionCount(key.address)).toBe(before);
  });
});

describe("signing typed data handed over by someone else", () => {
  test("the wallet signs an IMI message for its own chain and deployment, and refuses any other", async () => {
    const { citizen, key } = await fx.registerCitizen();
    const wallet = fx.clientFor(key);
    const nonce = await wallet.signing.getNonce({ contract: "consentRegistry", signer: key.address });
    const req = await request(citizen);
    const deadline = BigInt(await fx.now()) + 600n;
    const good = grantTypedData({ chainId: fx.deployment.chainId, verifyingContract: fx.deployment.contracts.consentRegistry, request: req, nonce, deadline });
    const signature = await wallet.signing.signTypedData({ typedData: good });
    const { consentId } = await fx.clients.gateway.consent.grant({ request: req, authorization: { signer: key.address, deadline, signature } });
    expect((await fx.clients.reader.consent.get({ consentId })).grantedBy).toBe(key.address);

    const otherChain = { ...good, domain: { ...good.domain, chainId: 1 } };
    expect(await caught(() => wallet.signing.signTypedData({ typedData: otherChain }))).toMatchObject({ code: "CHAIN_MISMATCH" });
    const otherDeployment = { ...good, domain: { ...good.domain, verifyingContract: fx.deployment.contracts.identityRegistry } };
    expect(await caught(() => wallet.signing.signTypedData({ typedData: otherDeployment }))).toMatchObject({ code: "INVALID_DOMAIN" });
    const foreign = { ...good, domain: { ...good.domain, name: "Some DEX" } };
    expect(await caught(() => wallet.signing.signTypedData({ typedData: foreign }))).toMatchObject({ code: "INVALID_DOMAIN" });
  });
});

describe("smart-contract wallets (ERC-1271)", () => {
  test("a consent signed for a contract-wallet citizen is relayed and accepted on chain", async () => {
    const owner = fx.freshAccount();
    const walletContract = await fx.ethers.deployContract("ERC1271Wallet", [owner.address]);
    await walletContract.waitForDeployment();
    const walletAddress = (await walletContract.getAddress()) as Hex;
    const citizen = randomBytes32();
    await fx.clients.registrar.identity.register({ citizen, controller: walletAddress, commitment: randomBytes32(), level: 1 });

    // The builder signs for any signer: here the contract's nonce, the owner's key.
    const req = await request(citizen);
    const nonce = await fx.clients.reader.signing.getNonce({ contract: "consentRegistry", signer: walletAddress });
    const deadline = BigInt(await fx.now()) + 600n;
    const typedData = grantTypedData({ chainId: fx.deployment.chainId, verifyingContract: fx.deployment.contracts.consentRegistry, request: req, nonce, deadline });
    const signature = owner.signTypedData(typedData);
    const { consentId } = await fx.clients.gateway.consent.grant({ request: req, authorization: { signer: walletAddress, deadline, signature } });
    expect((await fx.clients.reader.consent.get({ consentId })).grantedBy).toBe(walletAddress);
  });
});

describe("reading history in chunks", () => {
  test("listing consents with a tiny eth_getLogs range gives the same answer", async () => {
    const { citizen, client } = await fx.registerCitizen();
    for (const name of ["a", "b", "c"]) await client.consent.grant({ request: await request(citizen, { purpose: purposeCode(name) }) });
    const chunked = createImiClient({ rpc: fx.rpc, deployment: fx.deployment, maxLogBlockRange: 2 });
    const all = await fx.clients.reader.consent.list({ citizen });
    expect(all).toHaveLength(3);
    expect(await chunked.consent.list({ citizen })).toEqual(all);
  });
});

// Regression: a consent a guardian granted stayed allowed after the guardianship ended. The SDK shows
// the lapse, the citizen confirms directly or by a relayed signature, and gateways count limited
// consents' uses on chain (one count for every gateway).
describe("guardian's grants and use counts", () => {
  test("a guardian's grant lapses when removed; the citizen's relayed confirmation keeps it (signed path)", async () => {
    const { citizen, key, client } = await fx.registerCitizen();
    const guardian = await fx.fundedAccount();
    const guardianClient = fx.clientFor(guardian);
    await client.identity.addGuardian({ citizen, guardian: guardian.address, scopes: scopesOf([1, 3]), expiresAt: (await fx.now()) + 10_000 });
    const req = await request(citizen);
    const { consentId } = await guardianClient.consent.grant({ request: req });
    const confirmed = (await guardianClient.consent.grant({ request: { ...req, purpose: purposeCode("tax") } })).consentId;
    expect(await fx.clients.reader.consent.get({ consentId })).toMatchObject({ byGuardian: true, lapse: "none", confirmedAt: 0n });

    // A guardian cannot confirm its own grant; the citizen's signature, relayed by the gateway, can.
    const byGuardian = await guardianClient.consent.signConfirm({ consentId: confirmed });
    expect((await caught(() => fx.clients.gateway.consent.confirm({ consentId: confirmed, authorization: byGuardian.authorization }))).name).toBe("ConsentRegistryNotControllerError");
    const byCitizen = await client.consent.signConfirm({ consentId: confirmed });
    expect((await fx.clients.gateway.consent.confirm({ consentId: confirmed, authorization: byCitizen.authorization })).confirmedBy).toBe(key.address);

    await client.identity.removeGuardian({ citizen, guardian: guardian.address });
    expect((await fx.clients.reader.consent.get({ consentId })).lapse).toBe("guardianRemoved");
    expect(await fx.clients.reader.consent.check({ agency: req.agency, citizen, scopes: req.scopes, purpose: req.purpose, grantId: consentId })).toMatchObject({ allowed: false, decision: "GuardianLapsed" });
    expect((await fx.clients.reader.consent.get({ consentId: confirmed })).lapse).toBe("none");

    // Direct confirmation by the citizen's key, after the guardianship ended.
    await client.consent.confirm({ consentId });
    expect((await fx.clients.reader.consent.get({ consentId })).lapse).toBe("none");
  });

  test("consume: gateways count a limited consent's uses on chain and are refused past the limit", async () => {
    const { citizen, client } = await fx.registerCitizen();
    const { consentId } = await client.consent.grant({ request: await request(citizen, { maxUses: 1 }) });
    expect(await fx.clients.gateway.consent.consume({ consentId })).toMatchObject({ uses: 1, maxUses: 1 });
    const again = await caught(() => fx.clients.gateway.consent.consume({ consentId }));
    expect(again.name).toBe("ConsentRegistryUseLimitReachedError");
    expect((await caught(() => fx.clients.agency.consent.consume({ consentId }))).name).toBe("ConsentRegistryNotAGatewayError");
    expect((await fx.clients.reader.consent.get({ consentId })).uses).toBe(1n);
  });
});
