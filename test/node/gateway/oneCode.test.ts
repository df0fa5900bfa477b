// One code per person at the gateway, over a real chain, index, access log and nonce store: the
// citizen's staple, a verifier device's online checks (each logged as an access the citizen sees)
// and its offline checks uploaded later (logged at the time they happened). Every refusal the issue
// names has its own test: rotated or deactivated key, expired staple, replayed code, code for
// another verifier.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { encodeBytes32String } from "ethers";
import {
  createOneCode,
  generatePrivateKey,
  privateKeyToAccount,
  randomBytes32,
  signIdentityProof,
  signOneCodeStaple,
  verifyOneCode,
  type Address,
  type Hex,
  type LocalAccount,
  type OneCodeStaple,
} from "@imi-ledger/sdk";
import { registerCitizen } from "../indexer/helpers.js";
import { createHarness, localKeyOf, type Harness } from "./harness.js";

const VERIFIER_ROLE = 9n;

describe("gateway: one code", () => {
  let h: Harness;
  let app: FastifyInstance;
  let citizen: Hex;
  let key: LocalAccount;
  let door: LocalAccount;
  let counter: LocalAccount;
  let doorToken: string;
  let counterToken: string;
  let citizenToken: string;

  const seconds = () => Math.floor(h.now() / 1000);

  async function citizenLogin(k: LocalAccount, id: Hex): Promise<string> {
    const c = (await app.inject({ method: "POST", url: "/v1/auth/challenge" })).json();
    const res = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: signIdentityProof(k, { chainId: h.f.chainId, citizen: id, audience: c.audience, challenge: c.challenge, issuedAt: seconds() }) });
    expect(res.statusCode).toBe(200);
    return res.json().token;
  }

  async function staple(token = citizenToken, body: Record<string, unknown> = {}): Promise<OneCodeStaple> {
    const res = await app.inject({ method: "POST", url: "/v1/one-code/staple", headers: { authorization: `Bearer ${token}` }, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    const json = res.json();
    return { status: { ...json.status, blockNumber: BigInt(json.status.blockNumber) }, signature: json.signature, ...(json.claim ? { claim: json.claim } : {}) };
  }

  const makeCode = async (p: { verifier?: Address; signer?: LocalAccount; s?: OneCodeStaple; issuedAt?: number } = {}) =>
    createOneCode(p.signer ?? key, { chainId: h.f.chainId, staple: p.s ?? (await staple()), verifier: p.verifier, issuedAt: p.issuedAt ?? seconds() });

  const check = (code: string, token = doorToken) => app.inject({ method: "POST", url: "/v1/one-code/verify", headers: { authorization: `Bearer ${token}` }, payload: { code } });

  async function citizenAccesses(token = citizenToken) {
    const res = await app.inject({ method: "GET", url: "/v1/citizen/accesses", headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    return res.json().records as Array<{ seq: number; time: number; agency: string; kind: string; decision: string; reason: string }>;
  }

  beforeAll(async () => {
    h = await createHarness();
    const { f } = h;
    door = localKeyOf(f.accounts.others[5].address);
    counter = localKeyOf(f.accounts.others[6].address);
    for (const v of [door, counter]) await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(VERIFIER_ROLE, v.address, 0)).wait();
    key = localKeyOf(f.accounts.others[0].address);
    citizen = (await registerCitizen(f, f.accounts.others[0], 3)) as Hex;
    await h.vault.put(citizen, { address: { district: "Haidian" } });
    await h.indexer.sync();
    app = await h.app();
    doorToken = await h.login(app, door);
    counterToken = await h.login(app, counter);
    citizenToken = await citizenLogin(key, citizen);
  }, 120_000);
  afterAll(async () => h?.close());

  it("the staple says this key controls this identity at its level as of the indexed block, signed by the gateway", async () => {
    const s = await staple();
    expect(s.status).toMatchObject({ citizen, controller: key.address, level: 3 });
    expect(s.status.expiresAt - s.status.issuedAt).toBe(300);
    expect(Number(s.status.blockNumber)).toBe(h.indexer.status().indexedBlock);
    // Only a citizen session gets one.
    const staff = await app.inject({ method: "POST", url: "/v1/one-code/staple", headers: { authorization: `Bearer ${doorToken}` }, payload: {} });
    expect(staff.statusCode).toBe(403);
  });

  it("allowed: a fresh code for this door is verified, logged under the door's account, and the citizen sees it", async () => {
    const before = h.accessLog.lastSeq();
    const res = await check(await makeCode({ verifier: door.address }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ verified: true, reason: "ONE_CODE_VERIFIED", citizen, controller: key.address, level: 3 });
    expect(res.json().receipt.seq).toBe(before + 1);
    expect(await h.accessLog.get(before + 1)).toMatchObject({ agency: door.address, citizen, kind: "identity", decision: "allowed", reason: "ONE_CODE_VERIFIED" });
    const mine = await citizenAccesses();
    const seen = mine.find((r) => r.seq === before + 1)!;
    expect(seen).toMatchObject({ kind: "identity", decision: "allowed" });
    expect(seen.agency.toLowerCase()).toBe(door.address.toLowerCase());
  });

  it("a code for any verifier is accepted by any verifier device", async () => {
    expect((await check(await makeCode(), counterToken)).json()).toMatchObject({ verified: true });
  });

  it("a verifier device reads no data: its session is refused on the data and predicate routes", async () => {
    for (const url of ["/v1/access/data", "/v1/access/predicate"]) {
      const res = await h.withSession(app, doorToken, url, { citizen, scopes: "4", purpose: `0x${"11".repeat(32)}`, predicate: { kind: "resident" } });
      expect([400, 403]).toContain(res.statusCode);
      expect(res.json().data).toBeUndefined();
    }
    const read = await h.withSession(app, doorToken, "/v1/access/data", { citizen, scopes: "4", purpose: `0x${"11".repeat(32)}` });
    expect(read.statusCode).toBe(403);
  });

  it("refused: a replayed code (the second showing is logged as denied)", async () => {
    const code = await makeCode({ verifier: door.address });
    expect((await check(code)).json()).toMatchObject({ verified: true });
    const before = h.accessLog.lastSeq();
    const again = await check(code);
    expect(again.json()).toMatchObject({ verified: false, reason: "ONE_CODE_REPLAYED", citizen });
    expect(await h.accessLog.get(before + 1)).toMatchObject({ decision: "denied", reason: "ONE_CODE_REPLAYED" });
  });

  it("refused: a code made for another verifier", async () => {
    const res = await check(await makeCode({ verifier: counter.address }));
    expect(res.json()).toMatchObject({ verified: false, reason: "ONE_CODE_WRONG_VERIFIER" });
  });

  it("refused: an expired staple, even in a freshly signed code", async () => {
    const s = await staple(citizenToken, { ttlSeconds: 60 });
    h.shiftClock(61_000);
    try {
      const res = await check(await makeCode({ s, verifier: door.address }));
      expect(res.json()).toMatchObject({ verified: false, reason: "ONE_CODE_STAPLE_EXPIRED" });
    } finally {
      h.shiftClock(-61_000);
    }
  });

  it("refused: an old code while its staple lasts, a forged signature; malformed text is a 400 and logs nothing", async () => {
    const s = await staple();
    expect((await check(await makeCode({ s, issuedAt: seconds() - 120 }))).json()).toMatchObject({ verified: false, reason: "ONE_CODE_STALE" });
    const thief = privateKeyToAccount(generatePrivateKey());
    const forged = await createOneCode({ address: key.address, signTypedData: (td) => thief.signTypedData(td) }, { chainId: h.f.chainId, staple: s, issuedAt: seconds() });
    expect((await check(forged)).json()).toMatchObject({ verified: false, reason: "ONE_CODE_BAD_SIGNATURE" });
    const before = h.accessLog.lastSeq();
    const bad = await check("AQ");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("ONE_CODE_MALFORMED");
    expect(h.accessLog.lastSeq()).toBe(before);
  });

  it("only verifier devices check codes: an agency session is refused", async () => {
    const agencyToken = await h.login(app, h.keys.agency);
    expect((await check(await makeCode(), agencyToken)).statusCode).toBe(403);
  });

  it("an ERC-1271 account as controller: its code is checked on chain through isValidSignature", async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const wallet = (await (await h.f.ethers.deployContract("ERC1271Wallet", [owner.address])).getAddress()) as Address;
    const accountCitizen = (await registerCitizen(h.f, wallet, 2)) as Hex;
    await h.indexer.sync();
    // The staple as the gateway signs it (the route serves signed-in key holders; the account's own login is its own work).
    const s = await signOneCodeStaple(h.gatewayAccount, { chainId: h.f.chainId, citizen: accountCitizen, controller: wallet, level: 2, blockNumber: h.indexer.status().indexedBlock, issuedAt: seconds() });
    const signer = { address: wallet, signTypedData: (td: Parameters<LocalAccount["signTypedData"]>[0]) => owner.signTypedData(td) };
    expect((await check(await createOneCode(signer, { chainId: h.f.chainId, staple: s, issuedAt: seconds() }))).json()).toMatchObject({ verified: true, citizen: accountCitizen });
    const stranger = privateKeyToAccount(generatePrivateKey());
    const forged = await createOneCode({ address: wallet, signTypedData: (td) => stranger.signTypedData(td) }, { chainId: h.f.chainId, staple: s, issuedAt: seconds() });
    expect((await check(forged)).json()).toMatchObject({ verified: false, reason: "ONE_CODE_BAD_SIGNATURE" });
  });

  it("offline: the device checks a code itself, uploads it later, and the log and the citizen's list carry the time it happened", async () => {
    const s = await staple();
    const at = seconds();
    const code = await makeCode({ s, verifier: door.address, issuedAt: at });
    const local = await verifyOneCode({ code, chainId: h.f.chainId, gateways: [h.gatewayAccount.address], verifier: door.address, now: at });
    expect(local.valid).toBe(true);
    h.shiftClock(3_600_000);
    try {
      const doorLater = await h.login(app, door);
      const before = h.accessLog.lastSeq();
      const res = await app.inject({ method: "POST", url: "/v1/one-code/offline", headers: { authorization: `Bearer ${doorLater}` }, payload: { verifications: [{ code, verifiedAt: String(at) }] } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().results).toEqual([expect.objectContaining({ verified: true, reason: "ONE_CODE_OFFLINE_VERIFIED", citizen, time: at * 1000 })]);
      expect(await h.accessLog.get(before + 1)).toMatchObject({ agency: door.address, decision: "allowed", reason: "ONE_CODE_OFFLINE_VERIFIED", time: at * 1000 });
      const mine = await citizenAccesses(await citizenLogin(key, citizen));
      const seen = mine.find((r) => r.seq === before + 1)!;
      expect(seen).toMatchObject({ time: at * 1000, decision: "allowed" });
      expect(seen.agency.toLowerCase()).toBe(door.address.toLowerCase());
      // Uploaded twice (or shown again online): a replay.
      const twice = await app.inject({ method: "POST", url: "/v1/one-code/offline", headers: { authorization: `Bearer ${doorLater}` }, payload: { verifications: [{ code, verifiedAt: String(at) }] } });
      expect(twice.json().results[0]).toMatchObject({ verified: false, reason: "ONE_CODE_REPLAYED" });
      // A check the device could not have passed at that time (the staple had expired) is logged as refused.
      const late = await makeCode({ s, verifier: door.address, issuedAt: at + 10 });
      const expired = await app.inject({ method: "POST", url: "/v1/one-code/offline", headers: { authorization: `Bearer ${doorLater}` }, payload: { verifications: [{ code: late, verifiedAt: String(s.status.expiresAt + 5) }] } });
      expect(expired.json().results[0]).toMatchObject({ verified: false, reason: "ONE_CODE_STAPLE_EXPIRED" });
      // A time ahead of the gateway's clock is refused whole, logging nothing.
      const n = h.accessLog.lastSeq();
      const future = await app.inject({ method: "POST", url: "/v1/one-code/offline", headers: { authorization: `Bearer ${doorLater}` }, payload: { verifications: [{ code: late, verifiedAt: String(seconds() + 3600) }] } });
      expect(future.statusCode).toBe(400);
      expect(future.json().code).toBe("VERIFIED_IN_FUTURE");
      expect(h.accessLog.lastSeq()).toBe(n);
    } finally {
      h.shiftClock(-3_600_000);
    }
  });

  it("one disclosed claim: the staple vouches for a valid credential about this identity (the senior card); another's or a revoked one is refused", async () => {
    const { f } = h;
    const schemaId = randomBytes32();
    await (await f.contracts.credentialRegistry.connect(f.accounts.governor).registerSchema(schemaId, "senior-card", "1")).wait();
    await (await f.contracts.credentialRegistry.connect(f.accounts.governor).setIssuerTrust(schemaId, f.accounts.issuer.address, true)).wait();
    const mine = randomBytes32();
    const theirs = randomBytes32();
    await (await f.contracts.credentialRegistry.connect(f.accounts.issuer).anchor(mine, schemaId, citizen, 0, 0)).wait();
    await (await f.contracts.credentialRegistry.connect(f.accounts.issuer).anchor(theirs, schemaId, randomBytes32(), 0, 0)).wait();
    await h.indexer.sync();
    const s = await staple(citizenToken, { credential: mine });
    expect(s.claim).toEqual({ schema: schemaId, credential: mine, name: "senior-card", value: "valid" });
    const res = await check(await makeCode({ s, verifier: door.address }));
    expect(res.json()).toMatchObject({ verified: true, claim: { name: "senior-card", value: "valid", credential: mine } });
    const other = await app.inject({ method: "POST", url: "/v1/one-code/staple", headers: { authorization: `Bearer ${citizenToken}` }, payload: { credential: theirs } });
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe("CREDENTIAL_NOT_YOURS");
    await (await f.contracts.credentialRegistry.connect(f.accounts.issuer).revoke(mine, 1)).wait();
    await h.indexer.sync();
    const revoked = await app.inject({ method: "POST", url: "/v1/one-code/staple", headers: { authorization: `Bearer ${citizenToken}` }, payload: { credential: mine } });
    expect(revoked.statusCode).toBe(403);
    expect(revoked.json().code).toBe("CREDENTIAL_NOT_VALID");
  });

  it("refused: a deactivated identity's code, though its staple still lasts", async () => {
    const other = localKeyOf(h.f.accounts.others[2].address);
    const id = (await registerCitizen(h.f, h.f.accounts.others[2], 2)) as Hex;
    await h.indexer.sync();
    const token = await citizenLogin(other, id);
    const s = await staple(token);
    await (await h.f.contracts.identityRegistry.connect(h.f.accounts.registrar).deactivate(id, encodeBytes32String("deceased"))).wait();
    await h.indexer.sync();
    const res = await check(await createOneCode(other, { chainId: h.f.chainId, staple: s, issuedAt: seconds() }));
    expect(res.json()).toMatchObject({ verified: false, reason: "ONE_CODE_IDENTITY_INACTIVE" });
  });

  it("refused: after the key is rotated, a code signed by the old key over its still-valid staple; the old key gets no new staple", async () => {
    const s = await staple();
    const fresh = privateKeyToAccount(generatePrivateKey());
    await (await h.f.contracts.identityRegistry.connect(h.f.accounts.others[0]).rotateKey(citizen, fresh.address)).wait();
    await h.indexer.sync();
    const res = await check(await makeCode({ s, verifier: door.address }));
    expect(res.json()).toMatchObject({ verified: false, reason: "ONE_CODE_NOT_CONTROLLER" });
    const again = await app.inject({ method: "POST", url: "/v1/one-code/staple", headers: { authorization: `Bearer ${citizenToken}` }, payload: {} });
    expect(again.statusCode).toBe(403);
    expect(again.json().code).toBe("NOT_CONTROLLER");
  });
});
