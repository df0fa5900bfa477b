// A citizen whose controller is a passkey account (WebAuthn, ERC-1271) signs in, proves who she is
// to an agency and changes her consents through the gateway. The gateway never takes the client's
// word: a proof is a key's by recovery or an account's by asking the account on chain.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import {
  createImiClient,
  encodeWebAuthnSignature,
  identityProofMessage,
  identityProofTypedData,
  hashTypedData,
  passkeyAccountAddress,
  passkeyChallenge,
  passkeySignerAccount,
  signIdentityProofWithPasskey,
  type Hex,
  type ImiClient,
  type PasskeySignerAccount,
} from "@imi-ledger/sdk";
import { createHarness, type Harness } from "./harness.js";
import { code, randomId } from "../indexer/helpers.js";
import { softPasskey, type SoftPasskey } from "../../helpers/softPasskey.js";
import type { ImiContract } from "../../helpers/deployImi.js";

let h: Harness;
let app: FastifyInstance;
let client: ImiClient;
let factoryAddress: Hex;
let key: SoftPasskey;
let phone: PasskeySignerAccount;
const citizen = randomId() as Hex;

async function passkeyAccount(k: SoftPasskey, deploy = true): Promise<PasskeySignerAccount> {
  const factory = (h.f.contracts as unknown as { passkeyAccountFactory: ImiContract }).passkeyAccountFactory;
  if (deploy) await (await factory.connect(h.f.accounts.registrar).createAccount(k.publicKey.x, k.publicKey.y)).wait();
  return passkeySignerAccount({ address: passkeyAccountAddress({ factory: factoryAddress, publicKey: k.publicKey }), publicKey: k.publicKey, get: k.get });
}

beforeAll(async () => {
  h = await createHarness();
  app = await h.app();
  factoryAddress = (await (h.f.contracts as unknown as { passkeyAccountFactory: ImiContract }).passkeyAccountFactory.getAddress()) as Hex;
  key = softPasskey();
  phone = await passkeyAccount(key);
  await (await h.f.contracts.identityRegistry.connect(h.f.accounts.registrar).register(citizen, phone.address, randomId(), 2)).wait();
  await h.indexer.sync();
  client = createImiClient({ rpc: h.f.connection.provider, deployment: { ...h.deployment, contracts: { ...h.deployment.contracts, passkeyAccountFactory: factoryAddress } } });
});
afterAll(async () => h.close());

async function loginChallenge() {
  return (await app.inject({ method: "POST", url: "/v1/auth/challenge" })).json() as { challenge: Hex; audience: string };
}

async function proofBy(account: PasskeySignerAccount, challenge: { challenge: Hex; audience: string }) {
  return signIdentityProofWithPasskey(account, { chainId: h.f.chainId, citizen, audience: challenge.audience, challenge: challenge.challenge, issuedAt: Math.floor(h.now() / 1000) });
}

describe("passkey identity proofs at the gateway", () => {
  it("signs the citizen in with her passkey: the account answers ERC-1271 on chain", async () => {
    const res = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: await proofBy(phone, await loginChallenge()) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ citizen, asGuardian: false, level: 2 });
    expect(res.json().account.toLowerCase()).toBe(phone.address.toLowerCase());
  });

  it("refuses another passkey claiming her account, an assertion without user verification, and a tampered one", async () => {
    const thief = passkeySignerAccount({ address: phone.address, publicKey: phone.publicKey, get: softPasskey().get });
    const noUv = passkeySignerAccount({ address: phone.address, publicKey: phone.publicKey, get: softPasskey({ flags: 0x01 }).get });
    for (const account of [thief, noUv]) {
      const res = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: await proofBy(account, await loginChallenge()) });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("BAD_SIGNATURE");
    }
    // Her own assertion, over a different message (another audience): the challenge no longer matches.
    const challenge = await loginChallenge();
    const proof = await proofBy(phone, challenge);
    const res = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: { ...proof, message: { ...proof.message, issuedAt: String(Number(proof.message.issuedAt) - 1) } } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("BAD_SIGNATURE");
  });

  it("refuses a WebAuthn signature for an address with no account deployed", async () => {
    const other = softPasskey();
    const undeployed = await passkeyAccount(other, false);
    const res = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: await proofBy(undeployed, await loginChallenge()) });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("BAD_SIGNATURE");
  });

  it("proves her identity to an agency, logged as an identity access; a forged proof is refused and logged too", async () => {
    const token = await h.login(app, h.keys.agency);
    const challenge = async () => (await app.inject({ method: "POST", url: "/v1/identity/challenge", headers: { authorization: `Bearer ${token}` } })).json() as { challenge: Hex; audience: string };
    const good = await app.inject({ method: "POST", url: "/v1/identity/verify", headers: { authorization: `Bearer ${token}` }, payload: await proofBy(phone, await challenge()) });
    expect(good.statusCode).toBe(200);
    expect(good.json()).toMatchObject({ verified: true, reason: "IDENTITY_VERIFIED", citizen, level: 2 });
    const forged = passkeySignerAccount({ address: phone.address, publicKey: phone.publicKey, get: softPasskey().get });
    const bad = await app.inject({ method: "POST", url: "/v1/identity/verify", headers: { authorization: `Bearer ${token}` }, payload: await proofBy(forged, await challenge()) });
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toMatchObject({ verified: false, reason: "BAD_SIGNATURE" });
    expect(bad.json().receipt.seq).toBeGreaterThan(good.json().receipt.seq);
  });

  it("the SDK's verifier accepts the passkey proof on chain and refuses a forged one", async () => {
    const challenge = randomId() as Hex;
    const proof = await signIdentityProofWithPasskey(phone, { chainId: h.f.chainId, citizen, audience: "counter-3", challenge, issuedAt: await h.f.now() });
    expect(await client.identity.verifyProof({ proof, challenge, audience: "counter-3" })).toEqual({ valid: true, citizen, level: 2 });
    const message = identityProofMessage({ chainId: h.f.chainId, citizen, controller: phone.address, audience: "counter-3", challenge, issuedAt: await h.f.now() });
    const digest = hashTypedData(identityProofTypedData(h.f.chainId, message));
    const forged = encodeWebAuthnSignature(await softPasskey().get(passkeyChallenge(digest)));
    expect(await client.identity.verifyProof({ proof: { message, signature: forged }, challenge, audience: "counter-3" })).toEqual({ valid: false, reason: "badSignature" });
  });

  it("grants and revokes a consent signed by the passkey, relayed by the gateway", async () => {
    const now = await h.f.now();
    const request = { citizen, agency: h.f.accounts.agency.address as Hex, scopes: 4n, purpose: code("passkey-grant") as Hex, validFrom: now, validUntil: now + 86_400, maxUses: 0 };
    const signed = await client.consent.signGrant({ request, account: phone });
    const granted = await app.inject({
      method: "POST",
      url: "/v1/consents",
      payload: {
        request: { ...request, scopes: "4", validFrom: String(now), validUntil: String(now + 86_400) },
        authorization: { signer: signed.authorization.signer, deadline: String(signed.authorization.deadline), signature: signed.authorization.signature },
      },
    });
    expect(granted.statusCode).toBe(200);
    const consentId = granted.json().consentId as Hex;
    expect((await client.consent.get({ consentId })).grantedBy.toLowerCase()).toBe(phone.address.toLowerCase());
    const revoke = await client.consent.signRevoke({ consentId, account: phone });
    const revoked = await app.inject({
      method: "POST",
      url: `/v1/consents/${consentId}/revoke`,
      payload: { authorization: { signer: revoke.authorization.signer, deadline: String(revoke.authorization.deadline), signature: revoke.authorization.signature } },
    });
    expect(revoked.statusCode).toBe(200);
    expect((await client.consent.get({ consentId })).status).toBe("revoked");
  });

  it("any ERC-1271 wallet signs in the same way: a 65-byte signature by the wallet's owner is put to the wallet", async () => {
    const owner = h.keys.outsider;
    const wallet = await h.f.ethers.deployContract("ERC1271Wallet", [owner.address]);
    const walletAddress = (await wallet.getAddress()) as Hex;
    const walletCitizen = randomId() as Hex;
    await (await h.f.contracts.identityRegistry.connect(h.f.accounts.registrar).register(walletCitizen, walletAddress, randomId(), 1)).wait();
    await h.indexer.sync();
    const challenge = await loginChallenge();
    const message = identityProofMessage({ chainId: h.f.chainId, citizen: walletCitizen, controller: walletAddress, audience: challenge.audience, challenge: challenge.challenge, issuedAt: Math.floor(h.now() / 1000) });
    const signature = owner.signTypedData(identityProofTypedData(h.f.chainId, message));
    const res = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: { message, signature } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ citizen: walletCitizen, level: 1 });
    // The owner's key itself is not the controller: the same signature naming the owner is refused.
    const asOwner = identityProofMessage({ ...message, chainId: h.f.chainId, controller: owner.address });
    const again = await loginChallenge();
    const ownerProof = { ...asOwner, challenge: again.challenge };
    const refused = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: { message: ownerProof, signature: owner.signTypedData(identityProofTypedData(h.f.chainId, ownerProof)) } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe("NOT_CONTROLLER");
  });

  it("a passkey signs but sends nothing itself: a direct call is refused with PASSKEY_CANNOT_SEND", async () => {
    await expect(client.consent.revoke({ consentId: randomId() as Hex, account: phone })).rejects.toMatchObject({ code: "PASSKEY_CANNOT_SEND" });
  });
});
