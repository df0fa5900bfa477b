import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZeroAddress, ZeroHash, hexlify, randomBytes } from "ethers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { deployImi, type ImiContract, ROLE, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";
import { code } from "../helpers/typedData.js";

const randomId = () => hexlify(randomBytes(32));
const S = { Unknown: 0n, Valid: 1n, Revoked: 2n, Suspended: 3n, Expired: 4n, NotYetValid: 5n } as const;
const IssuerStatus = { None: 0n, Active: 1n, Suspended: 2n, Revoked: 3n } as const;
const REASON_FRAUD = 7;
const REASON_DEBT_SETTLED = 12;

function leafValue(tree: StandardMerkleTree<string[]>, index: number): string {
  const value = tree.at(index);
  if (!value) throw new Error(`no leaf ${index}`);
  return value[0];
}

describe("CredentialRegistry", () => {
  let f: ImiFixture;
  let registry: ImiContract;
  let snapshotId: string;
  const schemaId = code('{"name":"residence-certificate","version":"1.0"}');

  beforeAll(async () => {
    f = await deployImi();
    registry = f.contracts.credentialRegistry;
    await (await registry.connect(f.accounts.governor).registerSchema(schemaId, "residence-certificate", "1.0")).wait();
    await (await registry.connect(f.accounts.governor).setIssuerTrust(schemaId, f.accounts.issuer.address, true)).wait();
  });
  beforeEach(async () => {
    if (snapshotId) await f.revert(snapshotId);
    snapshotId = await f.snapshot();
  });

  const asIssuer = () => registry.connect(f.accounts.issuer);

  describe("schemas and trust", () => {
    it("the governor registers schemas and trusts issuers per schema", async () => {
      const schema = await registry.getSchema(schemaId);
      expect(schema.name).toBe("residence-certificate");
      expect(schema.version).toBe("1.0");
      expect(await registry.isTrustedIssuer(schemaId, f.accounts.issuer.address)).toBe(true);
      const other = code("marriage-certificate");
      await expectRevert(
        registry.connect(f.accounts.issuer).registerSchema(other, "marriage", "1"),
        "AccessManagedUnauthorized",
      );
      const gov = registry.connect(f.accounts.governor);
      await expectRevert(gov.registerSchema(ZeroHash, "x", "1"), "CredentialRegistryZeroHash");
      await expectRevert(gov.registerSchema(other, "", "1"), "CredentialRegistryEmptyName");
      await expectRevert(gov.registerSchema(schemaId, "again", "1"), "CredentialRegistrySchemaExists", [schemaId]);
      await expectRevert(gov.setIssuerTrust(other, f.accounts.issuer.address, true), "CredentialRegistryUnknownSchema");
      await expectRevert(gov.setIssuerTrust(schemaId, ZeroAddress, true), "CredentialRegistryZeroAddress");
      await expectRevert(
        registry.connect(f.accounts.issuer).setIssuerTrust(schemaId, f.accounts.issuer.address, false),
        "AccessManagedUnauthorized",
      );
    });

    it("anchoring needs the issuer role AND trust for the schema, and a live schema", async () => {
      const now = await f.now();
      // Trusted for the schema but without the issuer role.
      await (await registry.connect(f.accounts.governor).setIssuerTrust(schemaId, f.accounts.agency.address, true)).wait();
      await expectRevert(
        registry.connect(f.accounts.agency).anchor(randomId(), schemaId, randomId(), now, now + 1000),
        "AccessManagedUnauthorized",
      );
      // Issuer role but not trusted for this schema.
      const other = code("permit");
      await (await registry.connect(f.accounts.governor).registerSchema(other, "permit", "1")).wait();
      await expectRevert(
        asIssuer().anchor(randomId(), other, randomId(), now, now + 1000),
        "CredentialRegistryUntrustedIssuer",
        [other, f.accounts.issuer.address],
      );
      await (await registry.connect(f.accounts.governor).deprecateSchema(schemaId)).wait();
      await expectRevert(
        asIssuer().anchor(randomId(), schemaId, randomId(), now, now + 1000),
        "CredentialRegistrySchemaDeprecated",
      );
      // Withdrawn trust stops further anchoring.
      await (await registry.connect(f.accounts.governor).setIssuerTrust(other, f.accounts.issuer.address, true)).wait();
      await (await registry.connect(f.accounts.governor).setIssuerTrust(other, f.accounts.issuer.address, false)).wait();
      await expectRevert(asIssuer().anchor(randomId(), other, randomId(), now, 0), "CredentialRegistryUntrustedIssuer");
    });
  });

  describe("single credentials", () => {
    it("anchor, then valid; suspend, reinstate (credit repair), revoke for good", async () => {
      const hash = randomId();
      const subject = randomId();
      const now = await f.now();
      expect(await registry.statusOf(hash)).toBe(S.Unknown);
      await (await asIssuer().anchor(hash, schemaId, subject, now, now + 10_000)).wait();
      const stored = await registry.getCredential(hash);
      expect(stored.issuer).toBe(f.accounts.issuer.address);
      expect(stored.subject).toBe(subject);
      expect(await registry.statusOf(hash)).toBe(S.Valid);

      await (await asIssuer().suspend(hash, REASON_FRAUD)).wait();
      expect(await registry.statusOf(hash)).toBe(S.Suspended);
      await expectRevert(asIssuer().suspend(hash, 1), "CredentialRegistryInvalidTransition");
      await (await asIssuer().reinstate(hash, REASON_DEBT_SETTLED)).wait();
      expect(await registry.statusOf(hash)).toBe(S.Valid);
      expect((await registry.getCredential(hash)).reason).toBe(BigInt(REASON_DEBT_SETTLED));
      await expectRevert(asIssuer().reinstate(hash, 1), "CredentialRegistryInvalidTransition");
      await (await asIssuer().revoke(hash, REASON_FRAUD)).wait();
      expect(await registry.statusOf(hash)).toBe(S.Revoked);
      await expectRevert(
        asIssuer().reinstate(hash, 1),
        "CredentialRegistryInvalidTransition",
        [hash, IssuerStatus.Revoked, IssuerStatus.Active],
      );
      await expectRevert(asIssuer().revoke(hash, 1), "CredentialRegistryInvalidTransition");
    });

    it("status follows the validity window", async () => {
      const hash = randomId();
      const now = await f.now();
      await (await asIssuer().anchor(hash, schemaId, randomId(), now + 100, now + 200)).wait();
      expect(await registry.statusOf(hash)).toBe(S.NotYetValid);
      await f.increaseTime(100);
      expect(await registry.statusOf(hash)).toBe(S.Valid);
      await f.increaseTime(100);
      expect(await registry.statusOf(hash)).toBe(S.Expired);
      const forever = randomId();
      await (await asIssuer().anchor(forever, schemaId, randomId(), 0, 0)).wait();
      expect(await registry.statusOf(forever)).toBe(S.Valid);
    });

    it("refuses zero and duplicate hashes, bad windows, and status changes by others", async () => {
      const now = await f.now();
      const hash = randomId();
      await expectRevert(asIssuer().anchor(ZeroHash, schemaId, randomId(), now, 0), "CredentialRegistryZeroHash");
      await expectRevert(
        asIssuer().anchor(hash, schemaId, randomId(), now + 10, now + 10),
        "CredentialRegistryInvalidWindow",
      );
      await expectRevert(asIssuer().anchor(hash, schemaId, randomId(), 0, now), "CredentialRegistryInvalidWindow");
      await (await asIssuer().anchor(hash, schemaId, randomId(), now, 0)).wait();
      await expectRevert(
        asIssuer().anchor(hash, schemaId, randomId(), now, 0),
        "CredentialRegistryAlreadyAnchored",
        [hash],
      );
      await expectRevert(
        registry.connect(f.accounts.agency).revoke(hash, 1),
        "CredentialRegistryNotIssuer",
        [hash, f.accounts.agency.address],
      );
      await expectRevert(asIssuer().revoke(randomId(), 1), "CredentialRegistryUnknownCredential");
      expect(await registry.statusOf(hash)).toBe(S.Valid);
    });

    it("anchorMany anchors each with its subject; mismatched arrays are refused", async () => {
      const hashes = [randomId(), randomId(), randomId()];
      const subjects = [randomId(), randomId(), randomId()];
      await expectRevert(
        asIssuer().anchorMany(hashes, subjects.slice(0, 2), schemaId, 0, 0),
        "CredentialRegistryArrayLengthMismatch",
        [3, 2],
      );
      await expectRevert(asIssuer().anchorMany([], [], schemaId, 0, 0), "CredentialRegistryInvalidCount");
      const tooMany = Array.from({ length: 257 }, () => randomId());
      await expectRevert(asIssuer().anchorMany(tooMany, tooMany, schemaId, 0, 0), "CredentialRegistryBatchTooLarge");
      await expectRevert(
        asIssuer().anchorMany([hashes[0], hashes[0]], subjects.slice(0, 2), schemaId, 0, 0),
        "CredentialRegistryAlreadyAnchored",
      );
      await (await asIssuer().anchorMany(hashes, subjects, schemaId, 0, 0)).wait();
      for (let i = 0; i < 3; i++) {
        expect((await registry.getCredential(hashes[i])).subject).toBe(subjects[i]);
        expect(await registry.statusOf(hashes[i])).toBe(S.Valid);
      }
    });
  });

  describe("batches (Merkle root)", () => {
    async function anchoredBatch(size: number) {
      const hashes = Array.from({ length: size }, () => randomId());
      const tree = StandardMerkleTree.of(hashes.map((h) => [h]), ["bytes32"]);
      const now = await f.now();
      await (await asIssuer().anchorBatch(tree.root, size, schemaId, now, now + 10_000)).wait();
      return { hashes, tree };
    }

    it("each credential proves its inclusion; the leaf matches the OpenZeppelin tree", async () => {
      const { hashes, tree } = await anchoredBatch(50);
      for (const [i, value] of tree.entries()) {
        if (i % 7 !== 0) continue;
        expect(await registry.leafOf(value[0])).toBe(tree.leafHash(value));
        expect(await registry.statusOfBatched(tree.root, value[0], tree.getProof(i))).toBe(S.Valid);
      }
      // A wrong proof or a hash outside the batch is unknown, never valid.
      expect(await registry.statusOfBatched(tree.root, randomId(), tree.getProof(0))).toBe(S.Unknown);
      expect(await registry.statusOfBatched(tree.root, hashes[1], tree.getProof(0))).toBe(S.Unknown);
      expect(await registry.statusOfBatched(randomId(), hashes[0], tree.getProof(0))).toBe(S.Unknown);
      expect(await registry.statusOf(hashes[0])).toBe(S.Unknown);
      const batch = await registry.getBatch(tree.root);
      expect(batch.count).toBe(50n);
    });

    it("one batched credential is suspended, reinstated, revoked; the rest stay valid", async () => {
      const { tree } = await anchoredBatch(8);
      const h0 = leafValue(tree, 0);
      const p0 = tree.getProof(0);
      const h1 = leafValue(tree, 1);
      await expectRevert(
        asIssuer().setBatchedStatus(tree.root, h0, tree.getProof(1), IssuerStatus.Revoked, 1),
        "CredentialRegistryInvalidProof",
      );
      await expectRevert(
        registry.connect(f.accounts.agency).setBatchedStatus(tree.root, h0, p0, IssuerStatus.Revoked, 1),
        "CredentialRegistryNotIssuer",
      );
      await (await asIssuer().setBatchedStatus(tree.root, h0, p0, IssuerStatus.Suspended, REASON_FRAUD)).wait();
      expect(await registry.statusOfBatched(tree.root, h0, p0)).toBe(S.Suspended);
      expect(await registry.statusOfBatched(tree.root, h1, tree.getProof(1))).toBe(S.Valid);
      await (await asIssuer().setBatchedStatus(tree.root, h0, p0, IssuerStatus.Active, REASON_DEBT_SETTLED)).wait();
      expect(await registry.statusOfBatched(tree.root, h0, p0)).toBe(S.Valid);
      await (await asIssuer().setBatchedStatus(tree.root, h0, p0, IssuerStatus.Revoked, REASON_FRAUD)).wait();
      expect(await registry.statusOfBatched(tree.root, h0, p0)).toBe(S.Revoked);
      await expectRevert(
        asIssuer().setBatchedStatus(tree.root, h0, p0, IssuerStatus.Active, 1),
        "CredentialRegistryInvalidTransition",
      );
      // Anchoring the same hash singly makes a separate record; the batched one stays revoked.
      await (await asIssuer().anchor(h0, schemaId, randomId(), 0, 0)).wait();
      expect(await registry.statusOf(h0)).toBe(S.Valid);
      expect(await registry.statusOfBatched(tree.root, h0, p0)).toBe(S.Revoked);
      expect((await registry.getBatchedCredential(tree.root, h0)).toObject()).toMatchObject({ batchRoot: tree.root, status: IssuerStatus.Revoked, reason: BigInt(REASON_FRAUD) });
    });

    it("another trusted issuer cannot block revocation of a credential in someone else's batch by anchoring its leaf (was: CredentialRegistryAlreadyAnchored)", async () => {
      const rival = f.accounts.others[0];
      await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(ROLE.ISSUER, rival.address, 0)).wait();
      await (await registry.connect(f.accounts.governor).setIssuerTrust(schemaId, rival.address, true)).wait();
      const asRival = () => registry.connect(rival);
      const { tree } = await anchoredBatch(8);
      const h3 = leafValue(tree, 3);
      const p3 = tree.getProof(3);
      const h5 = leafValue(tree, 5);
      const p5 = tree.getProof(5);

      // The rival anchors one leaf singly, and another leaf in a batch of its own whose status it changes.
      await (await asRival().anchor(h3, schemaId, randomId(), 0, 0)).wait();
      const rivalTree = StandardMerkleTree.of([[h5], [randomId()]], ["bytes32"]);
      await (await asRival().anchorBatch(rivalTree.root, 2, schemaId, 0, 0)).wait();
      await (await asRival().setBatchedStatus(rivalTree.root, h5, rivalTree.getProof(0), IssuerStatus.Suspended, 1)).wait();

      // The batch's own issuer still revokes both, and only its batch answers revoked.
      await (await asIssuer().setBatchedStatus(tree.root, h3, p3, IssuerStatus.Revoked, REASON_FRAUD)).wait();
      await (await asIssuer().setBatchedStatus(tree.root, h5, p5, IssuerStatus.Revoked, REASON_FRAUD)).wait();
      expect(await registry.statusOfBatched(tree.root, h3, p3)).toBe(S.Revoked);
      expect(await registry.statusOfBatched(tree.root, h5, p5)).toBe(S.Revoked);
      expect(await registry.statusOf(h3)).toBe(S.Valid);
      expect((await registry.getCredential(h3)).issuer).toBe(rival.address);
      expect(await registry.statusOfBatched(rivalTree.root, h5, rivalTree.getProof(0))).toBe(S.Suspended);

      // Nor can the rival change the status inside the issuer's batch, proof or not.
      await expectRevert(asRival().setBatchedStatus(tree.root, h3, p3, IssuerStatus.Active, 1), "CredentialRegistryNotIssuer", [h3, rival.address]);
      // And the rival's records were not touched by the issuer's revocation.
      expect((await registry.getBatchedCredential(rivalTree.root, h5)).toObject()).toMatchObject({ issuer: rival.address, status: IssuerStatus.Suspended });
    });

    it("a whole batch is suspended and revoked; duplicate or empty roots are refused", async () => {
      const { tree } = await anchoredBatch(4);
      await expectRevert(asIssuer().anchorBatch(tree.root, 4, schemaId, 0, 0), "CredentialRegistryAlreadyAnchored");
      await expectRevert(asIssuer().anchorBatch(ZeroHash, 4, schemaId, 0, 0), "CredentialRegistryZeroHash");
      await expectRevert(asIssuer().anchorBatch(randomId(), 0, schemaId, 0, 0), "CredentialRegistryInvalidCount");
      await expectRevert(
        registry.connect(f.accounts.agency).anchorBatch(randomId(), 4, schemaId, 0, 0),
        "AccessManagedUnauthorized",
      );
      await (await asIssuer().setBatchStatus(tree.root, IssuerStatus.Suspended, 3)).wait();
      expect(await registry.statusOfBatched(tree.root, leafValue(tree, 2), tree.getProof(2))).toBe(S.Suspended);
      await (await asIssuer().setBatchStatus(tree.root, IssuerStatus.Revoked, 3)).wait();
      expect(await registry.statusOfBatched(tree.root, leafValue(tree, 2), tree.getProof(2))).toBe(S.Revoked);
      await expectRevert(asIssuer().setBatchStatus(randomId(), IssuerStatus.Revoked, 3), "CredentialRegistryUnknownBatch");
      await expectRevert(
        registry.connect(f.accounts.governor).setBatchStatus(tree.root, IssuerStatus.Active, 3),
        "CredentialRegistryNotIssuer",
      );
    });
  });

  it("issuer role is per AccessManager; revoking it stops anchoring but not revocation", async () => {
    const hash = randomId();
    await (await asIssuer().anchor(hash, schemaId, randomId(), 0, 0)).wait();
    await (await f.contracts.accessManager.connect(f.accounts.governor).revokeRole(ROLE.ISSUER, f.accounts.issuer.address)).wait();
    await expectRevert(asIssuer().anchor(randomId(), schemaId, randomId(), 0, 0), "AccessManagedUnauthorized");
    await (await asIssuer().revoke(hash, 1)).wait();
    expect(await registry.statusOf(hash)).toBe(S.Revoked);
  });
});
