import { beforeAll, describe, expect, test } from "vitest";
import {
  CredentialRegistryUntrustedIssuerError,
  buildCredentialBatch,
  code,
  hashCredential,
  issueCredential,
  presentCredential,
  randomBytes32,
  schemaIdOf,
  type Hex,
} from "@imi-ledger/sdk";
import { caught, sdkFixture, type SdkFixture } from "./fixture.js";

let fx: SdkFixture;
let schemaId: Hex;
beforeAll(async () => {
  fx = await sdkFixture();
  ({ schemaId } = await fx.clients.governor.credentials.registerSchema({
    document: JSON.stringify({ title: "Senior card", properties: { age_over_65: { type: "boolean" } } }),
    name: "senior-card",
    version: "1",
  }));
  await fx.clients.governor.credentials.setIssuerTrust({ schemaId, issuer: fx.accounts.issuer.address as Hex, trusted: true });
});

describe("credential actions", () => {
  test("schema and trust are readable", async () => {
    expect(schemaId).toBe(schemaIdOf(JSON.stringify({ title: "Senior card", properties: { age_over_65: { type: "boolean" } } })));
    expect(await fx.clients.reader.credentials.getSchema({ schemaId, issuer: fx.accounts.issuer.address as Hex })).toMatchObject({
      name: "senior-card",
      version: "1",
      issuerTrusted: true,
    });
  });

  test("anchor one, then suspend, reinstate and revoke it", async () => {
    const credentialHash = randomBytes32();
    const issuer = fx.clients.issuer.credentials;
    await issuer.anchor({ credentialHash, schemaId, subject: randomBytes32() });
    expect(await fx.clients.reader.credentials.status({ credentialHash })).toBe("valid");
    await issuer.suspend({ credentialHash, reason: 7 });
    expect(await fx.clients.reader.credentials.status({ credentialHash })).toBe("suspended");
    await issuer.reinstate({ credentialHash, reason: 8 });
    expect(await fx.clients.reader.credentials.status({ credentialHash })).toBe("valid");
    await issuer.revoke({ credentialHash, reason: 9 });
    expect(await fx.clients.reader.credentials.status({ credentialHash })).toBe("revoked");
    expect(await fx.clients.reader.credentials.get({ credentialHash })).toMatchObject({ schemaId, reason: 9n });
  });

  test("an untrusted issuer gets a named error", async () => {
    const error = await caught(() => fx.clients.agency.credentials.anchor({ credentialHash: randomBytes32(), schemaId }));
    // The agency has no issuer role, so the access manager refuses first.
    expect(error.code).toBe("CONTRACT_REVERT");
    const unknownSchema = randomBytes32();
    await fx.clients.governor.credentials.registerSchema({ schemaId: unknownSchema, name: "other", version: "1" });
    const untrusted = await caught(() => fx.clients.issuer.credentials.anchor({ credentialHash: randomBytes32(), schemaId: unknownSchema }));
    expect(untrusted).toBeInstanceOf(CredentialRegistryUntrustedIssuerError);
  });

  test("anchor a batch: every returned proof checks on chain; one member is revoked alone, then the batch is suspended", async () => {
    const hashes = Array.from({ length: 9 }, () => randomBytes32());
    const batch = await fx.clients.issuer.credentials.anchorBatch({ credentialHashes: hashes, schemaId });
    expect(batch.count).toBe(9);
    expect(batch.root).toBe(buildCredentialBatch(hashes).root);
    for (const h of hashes) {
      expect(await fx.clients.reader.credentials.status({ credentialHash: h, batch: { root: batch.root, proof: batch.proofs.get(h)! } })).toBe("valid");
    }
    const wrongProof = { root: batch.root, proof: batch.proofs.get(hashes[1])! };
    expect(await fx.clients.reader.credentials.status({ credentialHash: hashes[0], batch: wrongProof })).toBe("unknown");

    const member = { root: batch.root, proof: batch.proofs.get(hashes[2])! };
    await fx.clients.issuer.credentials.revoke({ credentialHash: hashes[2], batch: member, reason: 1 });
    expect(await fx.clients.reader.credentials.status({ credentialHash: hashes[2], batch: member })).toBe("revoked");
    await fx.clients.issuer.credentials.setBatchStatus({ root: batch.root, status: "suspended", reason: 2 });
    const other = { root: batch.root, proof: batch.proofs.get(hashes[3])! };
    expect(await fx.clients.reader.credentials.status({ credentialHash: hashes[3], batch: other })).toBe("suspended");
    expect((await fx.clients.reader.credentials.getBatch({ root: batch.root })).count).toBe(9n);
  });

  test("anchor several individually in one transaction, each with its subject", async () => {
    const items = Array.from({ length: 5 }, () => ({ credentialHash: randomBytes32(), subject: randomBytes32() }));
    expect((await fx.clients.issuer.credentials.anchorMany({ credentials: items, schemaId })).count).toBe(5);
    for (const item of items) {
      expect(await fx.clients.reader.credentials.get({ credentialHash: item.credentialHash })).toMatchObject({ subject: item.subject, schemaId });
    }
    expect(await caught(() => fx.clients.issuer.credentials.anchorMany({ credentials: [], schemaId }))).toMatchObject({ code: "INVALID_BATCH" });
  });

  test("a deprecated schema takes no new credentials; existing ones keep their status", async () => {
    const { schemaId: old } = await fx.clients.governor.credentials.registerSchema({ schemaId: randomBytes32(), name: "old-permit", version: "1" });
    await fx.clients.governor.credentials.setIssuerTrust({ schemaId: old, issuer: fx.accounts.issuer.address as Hex, trusted: true });
    const existing = randomBytes32();
    await fx.clients.issuer.credentials.anchor({ credentialHash: existing, schemaId: old });
    await fx.clients.governor.credentials.deprecateSchema({ schemaId: old });
    expect((await fx.clients.reader.credentials.getSchema({ schemaId: old })).deprecatedAt).toBeGreaterThan(0n);
    expect(await caught(() => fx.clients.issuer.credentials.anchor({ credentialHash: randomBytes32(), schemaId: old }))).toMatchObject({
      errorName: "CredentialRegistrySchemaDeprecated",
    });
    expect(await fx.clients.reader.credentials.status({ credentialHash: existing })).toBe("valid");
  });

  test("batch input errors are named", async () => {
    expect(await caught(() => buildCredentialBatch([]))).toMatchObject({ code: "INVALID_BATCH" });
    const h = randomBytes32();
    expect(await caught(() => buildCredentialBatch([h, h]))).toMatchObject({ code: "INVALID_BATCH" });
    expect(await caught(() => buildCredentialBatch(["0x1234" as Hex]))).toMatchObject({ code: "INVALID_HASH" });
  });
});

describe("credentials off chain: issue, disclose one claim, verify end to end", () => {
  async function issue(validUntil?: number) {
    const { citizen } = await fx.registerCitizen();
    const now = await fx.now();
    const issued = issueCredential(fx.accountOf(fx.accounts.issuer), {
      chainId: fx.deployment.chainId,
      schemaId,
      subject: citizen,
      validFrom: now - 10,
      validUntil: validUntil ?? now + 365 * 86_400,
      claims: { name: "Chan Tai Man", birthDate: "1950-02-03", age_over_65: true },
    });
    expect(hashCredential(issued.document)).toBe(issued.credentialHash);
    return { citizen, issued };
  }

  test("a singly anchored credential verifies and reveals only the disclosed claim", async () => {
    const { citizen, issued } = await issue();
    await fx.clients.issuer.credentials.anchor({
      credentialHash: issued.credentialHash,
      schemaId,
      subject: citizen,
      validFrom: issued.document.validFrom,
      validUntil: issued.document.validUntil,
    });
    const presentation = presentCredential(issued, ["age_over_65"]);
    expect(JSON.stringify(presentation)).not.toContain("Chan Tai Man");
    const result = await fx.clients.reader.credentials.verify({ presentation, subject: citizen });
    expect(result).toEqual({ valid: true, credentialHash: issued.credentialHash, status: "valid", claims: { age_over_65: true }, problems: [] });

    await fx.clients.issuer.credentials.suspend({ credentialHash: issued.credentialHash });
    expect(await fx.clients.reader.credentials.verify({ presentation })).toMatchObject({ valid: false, problems: ["suspended"] });
  });

  test("a batched credential verifies with its proof", async () => {
    const { issued } = await issue();
    const others = [randomBytes32(), randomBytes32()];
    const batch = await fx.clients.issuer.credentials.anchorBatch({ credentialHashes: [issued.credentialHash, ...others], schemaId });
    const presentation = presentCredential({ ...issued, batch: { root: batch.root, proof: batch.proofs.get(issued.credentialHash)! } }, ["age_over_65"]);
    expect((await fx.clients.reader.credentials.verify({ presentation })).valid).toBe(true);
  });

  test("tampering, forged claims, an unanchored document and expiry are each reported", async () => {
    const { citizen, issued } = await issue();
    await fx.clients.issuer.credentials.anchor({ credentialHash: issued.credentialHash, schemaId, subject: citizen });
    const presentation = presentCredential(issued, ["age_over_65"]);

    const forged = { ...presentation, disclosures: [{ ...presentation.disclosures[0], value: false }] };
    expect((await fx.clients.reader.credentials.verify({ presentation: forged })).problems).toContain("undisclosedClaim");

    const tampered = { ...presentation, document: { ...presentation.document, validUntil: "0" } };
    const tamperedResult = await fx.clients.reader.credentials.verify({ presentation: tampered });
    expect(tamperedResult.problems).toEqual(expect.arrayContaining(["badSignature", "unknown"]));

    expect((await fx.clients.reader.credentials.verify({ presentation, subject: randomBytes32() })).problems).toEqual(["subjectMismatch"]);

    const unanchored = presentCredential((await issue()).issued, ["age_over_65"]);
    expect((await fx.clients.reader.credentials.verify({ presentation: unanchored })).problems).toEqual(
      expect.arrayContaining(["notAnchoredByIssuer", "unknown"]),
    );

    const shortLived = await issue((await fx.now()) + 100);
    await fx.clients.issuer.credentials.anchor({ credentialHash: shortLived.issued.credentialHash, schemaId, validUntil: shortLived.issued.document.validUntil });
    await fx.increaseTime(200);
    const expired = await fx.clients.reader.credentials.verify({ presentation: presentCredential(shortLived.issued, ["age_over_65"]) });
    expect(expired.problems).toEqual(expect.arrayContaining(["expired"]));

    expect(await caught(() => presentCredential(issued, ["nope"]))).toMatchObject({ code: "INVALID_CREDENTIAL" });
  });
});
