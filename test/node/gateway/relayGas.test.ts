// The gateway relays consent actions with a fixed gas limit (node/gateway/internal/relayGas.ts)
// instead of an estimate per request: every kind of signer's action must fit it with the same room
// an estimate gets (30 %), and a refusal must still be named before the relayer's nonce is used.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { enterpriseIdOf, grantTypedData, normalizeGrantRequest, type Hex, type LocalAccount } from "@imi-ledger/sdk";
import { confirmConsentTypedData, pauseConsentTypedData, resumeConsentTypedData, revokeConsentTypedData } from "@imi-ledger/sdk";
import { CONSENT_CHANGE_RELAY_GAS, GRANT_RELAY_GAS } from "../../../node/gateway/internal/relayGas.js";
import { ROLE } from "../../helpers/deployImi.js";
import { code, randomId, registerCitizen } from "../indexer/helpers.js";
import { createHarness, localKeyOf, type Harness } from "./harness.js";

const P = code("social-benefits");
const ADDRESS = 1n << 2n;

describe("gateway: consent relay gas", () => {
  let h: Harness;
  let app: FastifyInstance;
  let registry: Hex;

  beforeAll(async () => {
    h = await createHarness();
    registry = h.contracts.consentRegistry as Hex;
    app = await h.app();
  });
  afterAll(async () => h?.close());

  const nonceOf = async (signer: string) => BigInt(await h.f.contracts.consentRegistry.nonces(signer));
  const deadline = async () => BigInt((await h.f.now()) + 600);
  const relayerNonce = () => h.f.ethers.provider.getTransactionCount(h.gatewayAccount.address);

  async function grantBody(key: LocalAccount, citizen: string, over: { scopes?: bigint; purpose?: string } = {}) {
    const now = await h.f.now();
    const request = normalizeGrantRequest({ citizen: citizen as Hex, agency: h.f.accounts.agency.address as Hex, scopes: over.scopes ?? ADDRESS, purpose: (over.purpose ?? P) as Hex, validFrom: now, validUntil: now + 86_400, maxUses: 0 });
    const d = await deadline();
    const signature = key.signTypedData(grantTypedData({ chainId: h.f.chainId, verifyingContract: registry, request, nonce: await nonceOf(key.address), deadline: d }));
    return { request: { ...request, scopes: String(request.scopes), validFrom: String(request.validFrom), validUntil: String(request.validUntil), maxUses: Number(request.maxUses) }, authorization: { signer: key.address, deadline: String(d), signature } };
  }

  const changeBuilders = { pause: pauseConsentTypedData, resume: resumeConsentTypedData, revoke: revokeConsentTypedData, confirm: confirmConsentTypedData } as const;
  async function changeBody(key: LocalAccount, consentId: Hex, action: keyof typeof changeBuilders) {
    const d = await deadline();
    const signature = key.signTypedData(changeBuilders[action]({ chainId: h.f.chainId, verifyingContract: registry, consentId, nonce: await nonceOf(key.address), deadline: d }));
    return { authorization: { signer: key.address, deadline: String(d), signature } };
  }

  /** Relays through the route; answers the consent id and the gas the transaction used and was given. */
  async function relay(url: string, payload: unknown) {
    const res = await app.inject({ method: "POST", url, payload: payload as object });
    expect(res.statusCode, res.body).toBe(200);
    const hash = res.json().txHash as string;
    const tx = (await h.f.connection.provider.request({ method: "eth_getTransactionByHash", params: [hash] })) as { gas: string };
    const receipt = (await h.f.connection.provider.request({ method: "eth_getTransactionReceipt", params: [hash] })) as { gasUsed: string };
    return { consentId: res.json().consentId as Hex, used: BigInt(receipt.gasUsed), limit: BigInt(tx.gas) };
  }

  it("fits every signer's grant and change within its limit, with an estimate's room to spare", async () => {
    const used: Record<string, bigint> = {};
    const citizenSigner = h.f.accounts.others[0];
    const citizenKey = localKeyOf(citizenSigner.address);
    const citizen = await registerCitizen(h.f, citizenSigner);

    const first = await relay("/v1/consents", await grantBody(citizenKey, citizen));
    expect(first.limit).toBe(GRANT_RELAY_GAS);
    used["grant by the citizen's key"] = first.used;
    used["grant replacing the latest for the same terms"] = (await relay("/v1/consents", await grantBody(citizenKey, citizen))).used;
    used["grant of several categories"] = (await relay("/v1/consents", await grantBody(citizenKey, citizen, { scopes: ADDRESS | (1n << 1n) | (1n << 5n) }))).used;
    for (const action of ["pause", "resume", "revoke"] as const) {
      const out = await relay(`/v1/consents/${first.consentId}/${action}`, await changeBody(citizenKey, first.consentId, action));
      expect(out.limit).toBe(CONSENT_CHANGE_RELAY_GAS);
      used[`${action} by the citizen's key`] = out.used;
    }

    // A guardian's grant records the guardianship; the citizen's confirmation keeps it standing.
    const guardian = h.f.accounts.others[1];
    await (await h.f.contracts.identityRegistry.connect(citizenSigner).addGuardian(citizen, guardian.address, ADDRESS, (await h.f.now()) + 86_400)).wait();
    const byGuardian = await relay("/v1/consents", await grantBody(localKeyOf(guardian.address), citizen));
    used["grant by a guardian"] = byGuardian.used;
    used["confirm by the citizen's key"] = (await relay(`/v1/consents/${byGuardian.consentId}/confirm`, await changeBody(citizenKey, byGuardian.consentId, "confirm"))).used;
    used["revoke by a guardian"] = (await relay(`/v1/consents/${byGuardian.consentId}/revoke`, await changeBody(localKeyOf(guardian.address), byGuardian.consentId, "revoke"))).used;

    // An enterprise's consent, signed by its legal representative's key.
    const repSigner = h.f.accounts.others[2];
    const rep = await registerCitizen(h.f, repSigner);
    const counter = h.f.accounts.others[7];
    await (await h.f.contracts.accessManager.connect(h.f.accounts.governor).grantRole(ROLE.COUNTER, counter.address, 0)).wait();
    const enterprise = enterpriseIdOf("91440300708461136T");
    await (await h.f.contracts.enterpriseRegistry.connect(counter).register(enterprise, randomId(), rep)).wait();
    const byEnterprise = await relay("/v1/consents", await grantBody(localKeyOf(repSigner.address), enterprise, { scopes: 1n << 8n, purpose: code("a") }));
    used["grant by an enterprise's representative"] = byEnterprise.used;
    used["revoke by an enterprise's representative"] = (await relay(`/v1/consents/${byEnterprise.consentId}/revoke`, await changeBody(localKeyOf(repSigner.address), byEnterprise.consentId, "revoke"))).used;

    for (const [what, gas] of Object.entries(used)) {
      const limit = what.startsWith("grant") ? GRANT_RELAY_GAS : CONSENT_CHANGE_RELAY_GAS;
      expect((gas * 13n) / 10n, `${what}: ${gas} gas`).toBeLessThanOrEqual(limit);
    }
  });

  it("answers a refused grant with the contract's named error, using no nonce and changing nothing", async () => {
    const citizenSigner = h.f.accounts.others[3];
    const citizen = await registerCitizen(h.f, citizenSigner);
    const body = await grantBody(localKeyOf(citizenSigner.address), citizen);
    await relay("/v1/consents", body);
    const [relayer, signerNonce, block] = [await relayerNonce(), await nonceOf(citizenSigner.address), await h.f.ethers.provider.getBlockNumber()];
    // The same signature again: the contract has used its nonce.
    const again = await app.inject({ method: "POST", url: "/v1/consents", payload: body });
    expect(again.statusCode).toBe(422);
    // The body carries the contract error's name only in its message (details stay in the log).
    expect(again.json().code).toBe("CHAIN_REFUSED");
    expect(again.json().message).toContain("ImiSignedInvalidSignature");
    // Terms the contract refuses (no scope at all is refused by the schema; a purpose the agency did not register is the contract's).
    const unregistered = await app.inject({ method: "POST", url: "/v1/consents", payload: await grantBody(localKeyOf(citizenSigner.address), citizen, { purpose: code("never-registered") }) });
    expect(unregistered.statusCode).toBe(422);
    expect(unregistered.json().code).toBe("CHAIN_REFUSED");
    expect(unregistered.json().message).toContain("ConsentRegistryAgencyNotRegisteredFor");
    expect(await relayerNonce()).toBe(relayer);
    expect(await nonceOf(citizenSigner.address)).toBe(signerNonce);
    expect(await h.f.ethers.provider.getBlockNumber()).toBe(block);
  });
});
