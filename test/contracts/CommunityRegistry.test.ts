// CommunityRegistry: endorsed facts as salted commitments (nothing about topic or value on chain),
// resident-to-neighbour shares on the direct and the signed path, and the adversarial cases: replay,
// wrong domain, expired signature or share, revoked share, a fact not shared, a viewer who is no citizen.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZeroHash, hexlify, randomBytes } from "ethers";
import { COMMUNITY_VIEW_CODES, communityFactCommitment, communityTopicId, communityTypes } from "@imi-ledger/sdk";
import { deployImi, type ImiContract, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";
import { domainOf, signTyped, toHighS } from "../helpers/typedData.js";

const randomId = () => hexlify(randomBytes(32)) as `0x${string}`;
const WEEK = 7 * 24 * 3600;
const view = (code: (typeof COMMUNITY_VIEW_CODES)[number]) => BigInt(COMMUNITY_VIEW_CODES.indexOf(code));

describe("CommunityRegistry", () => {
  let f: ImiFixture;
  let community: ImiContract;
  let snapshotId: string;
  const resident = () => f.accounts.others[0];
  const neighbour = () => f.accounts.others[1];
  const stranger = () => f.accounts.others[2];
  let residentId: `0x${string}`;
  let neighbourId: `0x${string}`;
  let strangerId: `0x${string}`;

  const domain = async (name = "IMI CommunityRegistry") => domainOf(name, f.chainId, await community.getAddress());

  beforeAll(async () => {
    f = await deployImi();
    const factory = await f.ethers.getContractFactory("CommunityRegistry");
    community = (await (await factory.deploy(await f.contracts.accessManager.getAddress(), await f.contracts.identityRegistry.getAddress())).waitForDeployment()) as unknown as ImiContract;
    [residentId, neighbourId, strangerId] = [randomId(), randomId(), randomId()];
    for (const [id, key] of [
      [residentId, resident()],
      [neighbourId, neighbour()],
      [strangerId, stranger()],
    ] as const) {
      await (await f.contracts.identityRegistry.connect(f.accounts.registrar).register(id, key.address, randomId(), 2)).wait();
    }
  });
  beforeEach(async () => {
    if (snapshotId) await f.revert(snapshotId);
    snapshotId = await f.snapshot();
  });

  async function attest(about = residentId, value = true, expiresAt = 0) {
    const salt = randomId();
    const commitment = communityFactCommitment({ resident: about, fact: "stableEmployment", value, salt });
    const tx = await community.connect(f.accounts.attester).attest(about, commitment, expiresAt);
    const receipt = await tx.wait();
    const uid = community.interface.parseLog(receipt.logs[0])!.args.uid as string;
    return { uid, commitment, salt, gas: receipt.gasUsed as bigint };
  }

  async function signShare(signer = resident(), request: { resident: string; neighbour: string; facts: string[]; validUntil: number }, opts: { deadline?: number; name?: string; nonce?: bigint } = {}) {
    const deadline = opts.deadline ?? (await f.now()) + 3600;
    const nonce = opts.nonce ?? (await community.nonces(signer.address));
    const signature = await signTyped(signer, await domain(opts.name), communityTypes, "Share", { ...request, nonce, deadline });
    return { signer: signer.address, deadline, signature };
  }

  async function signRevoke(shareId: string, signer = resident()) {
    const deadline = (await f.now()) + 3600;
    const signature = await signTyped(signer, await domain(), communityTypes, "RevokeShare", { shareId, nonce: await community.nonces(signer.address), deadline });
    return { signer: signer.address, deadline, signature };
  }

  const shareIdOf = async (tx: Promise<{ wait(): Promise<{ logs: unknown[] }> }>) => {
    const receipt = await (await tx).wait();
    for (const log of receipt.logs) {
      const parsed = community.interface.parseLog(log as never);
      if (parsed?.name === "FactsShared") return parsed.args.shareId as string;
    }
    throw new Error("no FactsShared");
  };

  describe("facts", () => {
    it("an attester endorses a fact: the chain holds only the salted commitment, which opens with topic, value and salt", async () => {
      const { uid, commitment, salt } = await attest();
      const fact = await community.getFact(uid);
      expect(fact.resident).toBe(residentId);
      expect(fact.attester).toBe(f.accounts.attester.address);
      expect(fact.commitment).toBe(commitment);
      // Neither answer's hash without the salt, nor the topic id, appears anywhere in the record.
      const stored = JSON.stringify(fact.toArray().map(String));
      expect(stored).not.toContain(communityTopicId("stableEmployment").slice(2));
      expect(commitment).not.toBe(communityFactCommitment({ resident: residentId, fact: "stableEmployment", value: false, salt }));
      expect(commitment).toBe(communityFactCommitment({ resident: residentId, fact: "stableEmployment", value: true, salt }));
    });

    it("refuses a caller without the attester role, a zero commitment, an unregistered resident and a past expiry; only its attester revokes", async () => {
      for (const caller of [f.accounts.governor, f.accounts.registrar, resident()])
        await expectRevert(community.connect(caller).attest(residentId, randomId(), 0), "CommunityRegistryNotAnAttester", [caller.address]);
      await expectRevert(community.connect(f.accounts.attester).attest(residentId, ZeroHash, 0), "CommunityRegistryZeroHash");
      const nobody = randomId();
      await expectRevert(community.connect(f.accounts.attester).attest(nobody, randomId(), 0), "CommunityRegistryInactiveCitizen", [nobody]);
      await expectRevert(community.connect(f.accounts.attester).attest(residentId, randomId(), await f.now()), "CommunityRegistryInvalidWindow");
      const { uid } = await attest();
      await expectRevert(community.connect(resident()).revokeFact(uid), "CommunityRegistryNotFactAttester", [uid, resident().address]);
      await (await community.connect(f.accounts.attester).revokeFact(uid)).wait();
      expect((await community.getFact(uid)).revokedAt).toBeGreaterThan(0n);
      await expectRevert(community.connect(f.accounts.attester).revokeFact(uid), "CommunityRegistryFactRevoked", [uid]);
      await expectRevert(community.connect(f.accounts.attester).revokeFact(randomId()), "CommunityRegistryUnknownFact");
    });
  });

  describe("shares", () => {
    it("direct: the resident shares a fact with a neighbour for a week; the neighbour may see it, no one else; revoked, no longer", async () => {
      const { uid } = await attest();
      const other = await attest();
      const validUntil = (await f.now()) + WEEK;
      const shareId = await shareIdOf(community.connect(resident()).share({ resident: residentId, neighbour: neighbourId, facts: [uid], validUntil }));
      const s = await community.getShare(shareId);
      expect([s.resident, s.neighbour, s.validUntil, s.grantedBy, s.factCount]).toEqual([residentId, neighbourId, BigInt(validUntil), resident().address, 1n]);
      expect(await community.checkView(shareId, neighbourId, uid)).toBe(view("ALLOWED"));
      // Fact not shared; another citizen as viewer; an unknown share.
      expect(await community.checkView(shareId, neighbourId, other.uid)).toBe(view("FACT_NOT_SHARED"));
      expect(await community.checkView(shareId, strangerId, uid)).toBe(view("WRONG_VIEWER"));
      expect(await community.checkView(randomId(), neighbourId, uid)).toBe(view("UNKNOWN_SHARE"));
      // Only the resident's key revokes.
      await expectRevert(community.connect(neighbour()).revokeShare(shareId), "CommunityRegistryNotResident", [residentId, neighbour().address]);
      await (await community.connect(resident()).revokeShare(shareId)).wait();
      expect(await community.checkView(shareId, neighbourId, uid)).toBe(view("SHARE_REVOKED"));
      await expectRevert(community.connect(resident()).revokeShare(shareId), "CommunityRegistryShareRevoked", [shareId]);
    });

    it("the share is time-boxed: expired after its end, and never longer than a year", async () => {
      const { uid } = await attest();
      const now = await f.now();
      await expectRevert(community.connect(resident()).share({ resident: residentId, neighbour: neighbourId, facts: [uid], validUntil: now }), "CommunityRegistryInvalidWindow");
      await expectRevert(
        community.connect(resident()).share({ resident: residentId, neighbour: neighbourId, facts: [uid], validUntil: now + 367 * 24 * 3600 }),
        "CommunityRegistryInvalidWindow",
      );
      const shareId = await shareIdOf(community.connect(resident()).share({ resident: residentId, neighbour: neighbourId, facts: [uid], validUntil: now + WEEK }));
      await f.increaseTime(WEEK + 1);
      expect(await community.checkView(shareId, neighbourId, uid)).toBe(view("SHARE_EXPIRED"));
    });

    it("refuses another's key, a non-citizen neighbour, herself, no facts, a fact twice, another's fact, a revoked or expired fact", async () => {
      const { uid } = await attest();
      const validUntil = (await f.now()) + WEEK;
      const req = (over: Partial<{ resident: string; neighbour: string; facts: string[] }>) => ({ resident: residentId, neighbour: neighbourId, facts: [uid], validUntil, ...over });
      await expectRevert(community.connect(neighbour()).share(req({})), "CommunityRegistryNotResident", [residentId, neighbour().address]);
      const nobody = randomId();
      await expectRevert(community.connect(resident()).share(req({ neighbour: nobody })), "CommunityRegistryInactiveCitizen", [nobody]);
      await expectRevert(community.connect(resident()).share(req({ neighbour: residentId })), "CommunityRegistrySelfShare", [residentId]);
      await expectRevert(community.connect(resident()).share(req({ facts: [] })), "CommunityRegistryInvalidFacts", [0n]);
      await expectRevert(community.connect(resident()).share(req({ facts: Array.from({ length: 9 }, () => uid) })), "CommunityRegistryInvalidFacts", [9n]);
      await expectRevert(community.connect(resident()).share(req({ facts: [uid, uid] })), "CommunityRegistryDuplicateFact", [uid]);
      const strangers = await attest(strangerId);
      await expectRevert(community.connect(resident()).share(req({ facts: [strangers.uid] })), "CommunityRegistryFactOfOther", [strangers.uid, strangerId]);
      const unknown = randomId();
      await expectRevert(community.connect(resident()).share(req({ facts: [unknown] })), "CommunityRegistryUnknownFact", [unknown]);
      const short = await attest(residentId, true, (await f.now()) + 60);
      await f.increaseTime(61);
      await expectRevert(community.connect(resident()).share(req({ facts: [short.uid] })), "CommunityRegistryFactExpired", [short.uid]);
      await (await community.connect(f.accounts.attester).revokeFact(uid)).wait();
      await expectRevert(community.connect(resident()).share(req({})), "CommunityRegistryFactRevoked", [uid]);
    });

    it("a fact revoked or expired after sharing is no longer shown; a neighbour deactivated is no citizen to show it to", async () => {
      const a = await attest();
      const b = await attest(residentId, true, (await f.now()) + 3600);
      const shareId = await shareIdOf(community.connect(resident()).share({ resident: residentId, neighbour: neighbourId, facts: [a.uid, b.uid], validUntil: (await f.now()) + WEEK }));
      await (await community.connect(f.accounts.attester).revokeFact(a.uid)).wait();
      expect(await community.checkView(shareId, neighbourId, a.uid)).toBe(view("FACT_REVOKED"));
      await f.increaseTime(3601);
      expect(await community.checkView(shareId, neighbourId, b.uid)).toBe(view("FACT_EXPIRED"));
      await (await f.contracts.identityRegistry.connect(f.accounts.registrar).deactivate(neighbourId, randomId())).wait();
      expect(await community.checkView(shareId, neighbourId, b.uid)).toBe(view("VIEWER_NOT_CITIZEN"));
    });
  });

  describe("signed path", () => {
    it("the gateway relays the resident's Share and RevokeShare; each signature works once (replay refused)", async () => {
      const { uid } = await attest();
      const request = { resident: residentId, neighbour: neighbourId, facts: [uid], validUntil: (await f.now()) + WEEK };
      const auth = await signShare(resident(), request);
      const shareId = await shareIdOf(community.connect(f.accounts.gateway).shareBySig(request, auth));
      expect((await community.getShare(shareId)).grantedBy).toBe(resident().address);
      expect(await community.checkView(shareId, neighbourId, uid)).toBe(view("ALLOWED"));
      // Replay: the nonce moved on, so the same signature no longer verifies.
      await expectRevert(community.connect(f.accounts.gateway).shareBySig(request, auth), "ImiSignedInvalidSignature", [resident().address]);
      const revoke = await signRevoke(shareId);
      await (await community.connect(f.accounts.gateway).revokeShareBySig(shareId, revoke)).wait();
      expect(await community.checkView(shareId, neighbourId, uid)).toBe(view("SHARE_REVOKED"));
      await expectRevert(community.connect(f.accounts.gateway).revokeShareBySig(shareId, revoke), "ImiSignedInvalidSignature");
    });

    it("refuses a wrong domain, an expired deadline, a changed message, a high-s signature and a signer who is not the resident", async () => {
      const { uid } = await attest();
      const request = { resident: residentId, neighbour: neighbourId, facts: [uid], validUntil: (await f.now()) + WEEK };
      // Signed for another contract's domain (the ConsentRegistry's name at this address).
      const wrongDomain = await signShare(resident(), request, { name: "IMI ConsentRegistry" });
      await expectRevert(community.connect(f.accounts.gateway).shareBySig(request, wrongDomain), "ImiSignedInvalidSignature");
      const expired = await signShare(resident(), request, { deadline: (await f.now()) - 1 });
      await expectRevert(community.connect(f.accounts.gateway).shareBySig(request, expired), "ImiSignedExpired");
      const good = await signShare(resident(), request);
      // The neighbour swapped for another citizen: the signature no longer matches.
      await expectRevert(community.connect(f.accounts.gateway).shareBySig({ ...request, neighbour: strangerId }, good), "ImiSignedInvalidSignature");
      await expectRevert(community.connect(f.accounts.gateway).shareBySig({ ...request, facts: [uid, (await attest()).uid] }, good), "ImiSignedInvalidSignature");
      await expectRevert(community.connect(f.accounts.gateway).shareBySig(request, { ...good, signature: toHighS(good.signature) }), "ImiSignedInvalidSignature");
      // A neighbour who signs a share of the resident's facts for herself.
      const forged = await signShare(neighbour(), { ...request, neighbour: strangerId });
      await expectRevert(community.connect(f.accounts.gateway).shareBySig({ ...request, neighbour: strangerId }, forged), "CommunityRegistryNotResident", [residentId, neighbour().address]);
      // A bumped nonce cancels what was signed before.
      await (await community.connect(resident()).bumpNonce()).wait();
      await expectRevert(community.connect(f.accounts.gateway).shareBySig(request, good), "ImiSignedInvalidSignature");
    });
  });

  it("gas per operation", async () => {
    const rows: Array<[string, bigint]> = [];
    const fact = await attest();
    rows.push(["attest", fact.gas]);
    const request = { resident: residentId, neighbour: neighbourId, facts: [fact.uid], validUntil: (await f.now()) + WEEK };
    const direct = await (await community.connect(resident()).share(request)).wait();
    rows.push(["share (1 fact, direct)", direct.gasUsed]);
    const bySig = await (await community.connect(f.accounts.gateway).shareBySig(request, await signShare(resident(), request))).wait();
    rows.push(["shareBySig (1 fact)", bySig.gasUsed]);
    const four = { ...request, facts: [fact.uid, (await attest()).uid, (await attest()).uid, (await attest()).uid] };
    rows.push(["shareBySig (4 facts)", (await (await community.connect(f.accounts.gateway).shareBySig(four, await signShare(resident(), four))).wait()).gasUsed]);
    const shareId = community.interface.parseLog(bySig.logs[0])!.args.shareId as string;
    rows.push(["revokeShareBySig", (await (await community.connect(f.accounts.gateway).revokeShareBySig(shareId, await signRevoke(shareId))).wait()).gasUsed]);
    rows.push(["revokeFact", (await (await community.connect(f.accounts.attester).revokeFact(fact.uid)).wait()).gasUsed]);
    for (const [name, used] of rows) console.log(`CommunityRegistry.${name.padEnd(26)} ${used.toString().padStart(8)} gas`);
    for (const [, used] of rows) expect(used).toBeGreaterThan(21_000n);
  });
});
