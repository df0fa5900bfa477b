// Community trust through the gateway on a real chain: an attester's fact is handed over and checked
// against its commitment, the resident's signed share is relayed, the neighbour sees the fact (logged,
// in the resident's list of views by the neighbour's name), and after the signed revocation, or for a
// citizen the fact is not shared with, or a fact not in the share, the view is refused and logged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { COMMUNITY_VIEW_PURPOSE, communityFactCommitment, randomBytes32, revokeShareTypedData, shareTypedData, signIdentityProof, type Hex, type LocalAccount } from "@imi-ledger/sdk";
import { randomId } from "../indexer/helpers.js";
import { createHarness, localKeyOf, type Harness } from "./harness.js";

const WEEK = 7 * 24 * 3600;

describe("gateway: community trust", () => {
  let h: Harness;
  let app: FastifyInstance;
  let community: string;
  let resident: { id: Hex; key: LocalAccount };
  let neighbour: { id: Hex; key: LocalAccount };
  let stranger: { id: Hex; key: LocalAccount };
  let employment: { uid: Hex; salt: Hex };
  let volunteer: { uid: Hex; salt: Hex };

  const seconds = () => Math.floor(h.now() / 1000);

  async function register(signerIndex: number, name: string) {
    const key = localKeyOf(h.f.accounts.others[signerIndex].address);
    const id = randomId() as Hex;
    await (await h.f.contracts.identityRegistry.connect(h.f.accounts.registrar).register(id, key.address, randomId(), 2)).wait();
    await h.vault.put(id, { identity: { name } });
    return { id, key };
  }

  async function attest(about: Hex, fact: "stableEmployment" | "registeredVolunteer", value: boolean) {
    const salt = randomBytes32();
    const tx = await h.f.contracts.communityRegistry.connect(h.f.accounts.attester).attest(about, communityFactCommitment({ resident: about, fact, value, salt }), 0);
    const receipt = await tx.wait();
    const uid = h.f.contracts.communityRegistry.interface.parseLog(receipt.logs[0])!.args.uid as Hex;
    return { uid, salt };
  }

  async function login(who: { id: Hex; key: LocalAccount }) {
    const c = (await app.inject({ method: "POST", url: "/v1/auth/challenge" })).json();
    const res = await app.inject({ method: "POST", url: "/v1/auth/citizen-login", payload: signIdentityProof(who.key, { chainId: h.f.chainId, citizen: who.id, audience: c.audience, challenge: c.challenge, issuedAt: seconds() }) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().token as string;
  }

  const nonceOf = async (signer: string) => BigInt((await app.inject({ method: "GET", url: `/v1/community/signers/${signer}/nonce` })).json().nonce);

  async function share(facts: Hex[], until?: number, to = neighbour.id) {
    const validUntil = until ?? (await h.f.now()) + WEEK;
    const request = { resident: resident.id, neighbour: to, facts, validUntil: String(validUntil) };
    const deadline = (await h.f.now()) + 3600;
    const typed = shareTypedData({ chainId: h.f.chainId, verifyingContract: community as Hex, request: { ...request, validUntil }, nonce: await nonceOf(resident.key.address), deadline });
    const signature = await resident.key.signTypedData(typed);
    return app.inject({ method: "POST", url: "/v1/community/shares", payload: { request, authorization: { signer: resident.key.address, deadline: String(deadline), signature } } });
  }

  const view = (token: string, shareId: string) => app.inject({ method: "GET", url: `/v1/community/shares/${shareId}`, headers: { authorization: `Bearer ${token}` } });
  const mine = (token: string) => app.inject({ method: "GET", url: "/v1/citizen/community", headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    h = await createHarness();
    community = await h.f.contracts.communityRegistry.getAddress();
    Object.assign(h.deployment.contracts, { communityRegistry: community as Hex });
    resident = await register(0, "Chan Tai Man");
    neighbour = await register(1, "Wang Fang");
    stranger = await register(2, "Li Na");
    employment = await attest(resident.id, "stableEmployment", true);
    volunteer = await attest(resident.id, "registeredVolunteer", false);
    await h.indexer.sync();
    app = await h.app();
  });
  afterAll(async () => h?.close());

  it("keeps a fact's opening only when it opens the commitment on chain", async () => {
    const wrong = await app.inject({ method: "POST", url: "/v1/community/facts", payload: { uid: employment.uid, fact: "stableEmployment", value: false, salt: employment.salt } });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().code).toBe("COMMITMENT_MISMATCH");
    const unknown = await app.inject({ method: "POST", url: "/v1/community/facts", payload: { uid: randomId(), fact: "stableEmployment", value: true, salt: employment.salt } });
    expect(unknown.json().code).toBe("UNKNOWN_FACT");
    const badTopic = await app.inject({ method: "POST", url: "/v1/community/facts", payload: { uid: employment.uid, fact: "rich", value: true, salt: employment.salt } });
    expect(badTopic.statusCode).toBe(400);
    expect(await h.vault.get(resident.id, ["community"])).toEqual({});
    for (const [f, fact, value] of [[employment, "stableEmployment", true], [volunteer, "registeredVolunteer", false]] as const) {
      const ok = await app.inject({ method: "POST", url: "/v1/community/facts", payload: { uid: f.uid, fact, value, salt: f.salt } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ resident: resident.id.toLowerCase(), fact, status: "published" });
    }
    const facts = (await mine(await login(resident))).json().facts;
    expect(facts.map((f: { fact: string; value: boolean; status: string }) => [f.fact, f.value, f.status])).toEqual([
      ["stableEmployment", true, "valid"],
      ["registeredVolunteer", false, "valid"],
    ]);
  });

  it("the neighbour sees the shared fact for a week, logged in the resident's views by name; after the signed revocation, refused and logged", async () => {
    const shared = await share([employment.uid]);
    expect(shared.statusCode, shared.body).toBe(200);
    const shareId = shared.json().shareId as Hex;
    const neighbourToken = await login(neighbour);
    const seen = await view(neighbourToken, shareId);
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json()).toMatchObject({ resident: resident.id.toLowerCase(), residentName: "Chan Tai Man", facts: [{ fact: "stableEmployment", value: true }] });
    // Only the shared fact: the volunteer fact is not in the share.
    expect(JSON.stringify(seen.json())).not.toContain("registeredVolunteer");
    const logged = await h.accessLog.get(seen.json().receipt.seq);
    expect(logged).toMatchObject({ kind: "community", decision: "allowed", basis: "consent", citizen: resident.id.toLowerCase(), purpose: COMMUNITY_VIEW_PURPOSE, grantId: shareId, scopes: 1n });
    // The neighbour's list names the resident; the resident's lists name the share and the view.
    expect((await mine(neighbourToken)).json().sharedWithMe).toMatchObject([{ shareId, resident: resident.id.toLowerCase(), residentName: "Chan Tai Man", status: "active" }]);
    const residentToken = await login(resident);
    const before = (await mine(residentToken)).json();
    expect(before.shared).toMatchObject([{ shareId, neighbour: neighbour.id.toLowerCase(), facts: ["stableEmployment"], status: "active" }]);
    expect(before.views).toMatchObject([{ shareId, viewer: neighbour.id.toLowerCase(), viewerName: "Wang Fang", facts: [{ fact: "stableEmployment", value: true }], decision: "allowed" }]);

    // Someone else, with the share's id, is refused (and the attempt is logged against the resident's record).
    const other = await view(await login(stranger), shareId);
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe("WRONG_VIEWER");

    const deadline = (await h.f.now()) + 3600;
    const typed = revokeShareTypedData({ chainId: h.f.chainId, verifyingContract: community as Hex, shareId, nonce: await nonceOf(resident.key.address), deadline });
    const authorization = { signer: resident.key.address, deadline: String(deadline), signature: await resident.key.signTypedData(typed) };
    const revoked = await app.inject({ method: "POST", url: `/v1/community/shares/${shareId}/revoke`, payload: { authorization } });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().status).toBe("revoked");
    // Replay of the same signed revocation: the chain refuses it.
    const replay = await app.inject({ method: "POST", url: `/v1/community/shares/${shareId}/revoke`, payload: { authorization } });
    expect(replay.statusCode).toBe(422);
    const after = await view(neighbourToken, shareId);
    expect(after.statusCode).toBe(403);
    expect(after.json().code).toBe("SHARE_REVOKED");
    expect(await h.accessLog.get(after.json().receipt.seq)).toMatchObject({ kind: "community", decision: "denied", reason: "SHARE_REVOKED" });
    const views = (await mine(residentToken)).json().views;
    // Newest first; the stranger's attempt is listed, unnamed (only the share's neighbour is named).
    expect(views.map((v: { decision: string; reason: string; viewerName?: string }) => `${v.decision}:${v.reason}:${v.viewerName ?? "-"}`)).toEqual([
      "denied:SHARE_REVOKED:Wang Fang",
      "denied:WRONG_VIEWER:-",
      "allowed:ALLOWED:Wang Fang",
    ]);
    expect((await mine(residentToken)).json().shared[0].status).toBe("revoked");
  });

  it("refuses a share signed by someone else, a share with herself and a stale signature, changing nothing", async () => {
    const now = await h.f.now();
    const request = { resident: resident.id, neighbour: neighbour.id, facts: [employment.uid], validUntil: String(now + WEEK) };
    const deadline = now + 3600;
    const typed = shareTypedData({ chainId: h.f.chainId, verifyingContract: community as Hex, request: { ...request, validUntil: now + WEEK }, nonce: await nonceOf(neighbour.key.address), deadline });
    const byNeighbour = await app.inject({ method: "POST", url: "/v1/community/shares", payload: { request, authorization: { signer: neighbour.key.address, deadline: String(deadline), signature: await neighbour.key.signTypedData(typed) } } });
    expect(byNeighbour.statusCode).toBe(422);
    expect(byNeighbour.json().details?.errorName ?? byNeighbour.json().code).toBeTruthy();
    const self = await share([employment.uid], now + WEEK, resident.id);
    expect(self.statusCode).toBe(422);
    const tooMany = await app.inject({ method: "POST", url: "/v1/community/shares", payload: { request: { ...request, facts: Array.from({ length: 9 }, () => employment.uid) }, authorization: { signer: resident.key.address, deadline: String(deadline), signature: "0x" + "11".repeat(65) } } });
    expect(tooMany.statusCode).toBe(400);
    const residentToken = await login(resident);
    expect((await mine(residentToken)).json().shared).toHaveLength(1);
  });
});
