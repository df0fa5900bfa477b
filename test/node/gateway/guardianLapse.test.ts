// Regression: consents a guardian granted stayed allowed after the guardianship was removed. The
// gateway refuses them as the contract does, logs the refusal, shows the citizen the consent as
// lapsed with the reason, and relays the citizen's signed confirmation that keeps it standing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { confirmConsentTypedData, signIdentityProof, type Hex } from "@imi-ledger/sdk";
import { code, grantConsent, registerCitizen } from "../indexer/helpers.js";
import { createHarness, localKeyOf, type Harness } from "./harness.js";

const P = code("social-benefits");
const ADDRESS = 1n << 2n;

describe("gateway: a guardian's grant lapses with the guardianship", () => {
  let h: Harness;
  let app: FastifyInstance;
  let token: string;
  let citizen: string;
  let consentId: string;

  beforeAll(async () => {
    h = await createHarness();
    const { f } = h;
    const [citizenSigner, guardian] = [f.accounts.others[0], f.accounts.others[1]];
    citizen = await registerCitizen(f, citizenSigner);
    await h.vault.put(citizen, { address: { district: "Haidian" } });
    await (await f.contracts.identityRegistry.connect(citizenSigner).addGuardian(citizen, guardian.address, ADDRESS, (await f.now()) + 86_400)).wait();
    consentId = await grantConsent(f, guardian, { citizen, agency: f.accounts.agency.address, scopes: ADDRESS, purpose: P });
    await h.indexer.sync();
    app = await h.app();
    token = await h.login(app, h.keys.agency);
  });
  afterAll(async () => h?.close());

  const read = () => h.withSession(app, token, "/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: P });

  async function citizenConsents() {
    const c = (await app.inject({ method: "POST", url: "/v1/auth/challenge" })).json();
    const login = await app.inject({
      method: "POST",
      url: "/v1/auth/citizen-login",
      payload: signIdentityProof(localKeyOf(h.f.accounts.others[0].address), { chainId: h.f.chainId, citizen: citizen as Hex, audience: c.audience, challenge: c.challenge, issuedAt: Math.floor(h.now() / 1000) }),
    });
    const res = await app.inject({ method: "GET", url: "/v1/citizen/consents", headers: { authorization: `Bearer ${login.json().token}` } });
    expect(res.statusCode).toBe(200);
    return (res.json().consents as Array<Record<string, unknown>>).find((x) => x.consentId === consentId.toLowerCase())!;
  }

  it("allowed while the guardianship stands; refused GUARDIAN_LAPSED and logged once it is removed; shown lapsed to the citizen", async () => {
    expect((await read()).statusCode).toBe(200);
    expect(await citizenConsents()).toMatchObject({ status: "active", byGuardian: true, confirmed: false });

    await (await h.f.contracts.identityRegistry.connect(h.f.accounts.registrar).removeGuardian(citizen, h.f.accounts.others[1].address)).wait();
    await h.indexer.sync();
    const before = h.accessLog.lastSeq();
    const refused = await read();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe("GUARDIAN_LAPSED");
    expect(refused.json().data).toBeUndefined();
    expect(await h.accessLog.get(before + 1)).toMatchObject({ decision: "denied", reason: "GUARDIAN_LAPSED" });
    expect(await citizenConsents()).toMatchObject({ status: "lapsed", lapseReason: "GUARDIAN_REMOVED" });
  });

  it("the citizen's signed confirmation, relayed by the gateway, keeps the consent standing", async () => {
    const cr = h.f.contracts.consentRegistry;
    const key = localKeyOf(h.f.accounts.others[0].address);
    const deadline = (await h.f.now()) + 600;
    const nonce = await cr.nonces(key.address);
    const typed = confirmConsentTypedData({ chainId: h.f.chainId, verifyingContract: h.deployment.contracts.consentRegistry, consentId: consentId as Hex, nonce, deadline });
    const relayed = await app.inject({
      method: "POST",
      url: `/v1/consents/${consentId}/confirm`,
      payload: { authorization: { signer: key.address, deadline: String(deadline), signature: key.signTypedData(typed) } },
    });
    expect(relayed.statusCode).toBe(200);
    expect(relayed.json()).toMatchObject({ status: "confirmed" });
    expect(await citizenConsents()).toMatchObject({ status: "active", confirmed: true });
    expect((await read()).statusCode).toBe(200);
    // A second confirmation is refused by the contract, changing nothing.
    const again = await app.inject({
      method: "POST",
      url: `/v1/consents/${consentId}/confirm`,
      payload: { authorization: { signer: key.address, deadline: String(deadline), signature: key.signTypedData({ ...typed, message: { ...typed.message, nonce: nonce + 1n } }) } },
    });
    expect(again.statusCode).toBe(422);
  });
});
