import type { FastifyPluginAsync } from "fastify";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { ZeroHash, recoverAddress } from "ethers";
import { claimDigest, hashCredential, type CredentialPresentation } from "@imi-ledger/sdk";
import { CredentialStatus, IssuerStatus, effectiveCredentialStatus } from "../../indexer/index.js";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { gatewayRoutes } from "@imi-ledger/sdk";

const STATUS_NAMES = ["unknown", "valid", "revoked", "suspended", "expired", "notYetValid"] as const;

/**
 * A presented credential (sdk/credentials) checked like the SDK's verifyCredential, but against the
 * index instead of chain reads: issuer signature, disclosed claims, issuer trust, anchoring, on-chain
 * status (single or batched) and validity window. Logged as an access of kind "credential".
 */
export const credentialRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { indexer } = ctx.options;

  // The citizen's own credentials, for the web app's "My credentials": hashes and status only; the
  // claims stay in the holder's file.
  app.get("/v1/citizen/credentials", { schema: gatewayRoutes.citizenCredentials.schema }, async (request) => {
    const { citizen } = ctx.requireCitizen(request);
    await ctx.catchUp();
    ctx.assertFresh();
    const now = ctx.ruleTime();
    const credentials = indexer.credentialsOfSubject(citizen).map((c) => ({
      credentialHash: c.credentialHash,
      schemaId: c.schemaId,
      issuer: c.issuer,
      validFrom: c.validFrom.toString(),
      validUntil: c.validUntil.toString(),
      status: STATUS_NAMES[indexer.credentialStatus(c.credentialHash, now)],
    }));
    return { credentials };
  });

  app.post<{ Body: { presentation: CredentialPresentation; subject?: string } }>(
    "/v1/credentials/verify",
    {
      schema: gatewayRoutes.credentialVerify.schema,
    },
    async (request) => {
      await ctx.catchUp();
      ctx.assertFresh();
      const agency = ctx.requireStaff(request, "agency");
      const { presentation, subject } = request.body;
      const { document, disclosures, batch } = presentation;
      const problems: string[] = [];
      const claims: Record<string, unknown> = {};
      const now = ctx.ruleTime();
      let credentialHash: string = ZeroHash;
      let status: string = "unknown";
      try {
        credentialHash = hashCredential(document).toLowerCase();
        if (recoverAddress(credentialHash, presentation.signature).toLowerCase() !== document.issuer.toLowerCase()) problems.push("badSignature");
        for (const d of disclosures) {
          if (document.claimDigests.map((x) => x.toLowerCase()).includes(claimDigest(d).toLowerCase())) claims[d.name] = d.value;
          else problems.push("undisclosedClaim");
        }
      } catch {
        problems.push("malformed");
      }
      if (!problems.includes("malformed")) {
        // A credential anchored a moment ago may sit in a block the index has not read yet (on a
        // polled chain up to one poll interval): catch up once before answering "unknown".
        if (batch ? !indexer.batch(batch.root) : !indexer.credential(credentialHash)) await indexer.sync().catch(() => undefined);
        if (document.chainId !== ctx.options.chainId) problems.push("wrongChain");
        if (subject !== undefined && subject.toLowerCase() !== document.subject.toLowerCase()) problems.push("subjectMismatch");
        if (!indexer.isTrustedIssuer(document.schemaId, document.issuer)) problems.push("untrustedIssuer");
        let code: CredentialStatus = CredentialStatus.Unknown;
        if (batch) {
          const b = indexer.batch(batch.root);
          const inTree = (() => {
            try {
              return StandardMerkleTree.verify(batch.root, ["bytes32"], [credentialHash], [...batch.proof]);
            } catch {
              return false;
            }
          })();
          if (!b || b.issuer !== document.issuer.toLowerCase() || b.schemaId !== document.schemaId.toLowerCase()) problems.push("notAnchoredByIssuer");
          if (b && inTree) {
            // CredentialRegistry.statusOfBatched: the more severe of batch status and the credential's own.
            const own = indexer.batchedCredential(batch.root, credentialHash);
            const severity = (s: IssuerStatus) => (s === IssuerStatus.Revoked ? 2 : s === IssuerStatus.Suspended ? 1 : 0);
            let s = b.status;
            if (own && severity(own.status) > severity(s)) s = own.status;
            code = effectiveCredentialStatus(s, b.validFrom, b.validUntil, now);
          }
        } else {
          const c = indexer.credential(credentialHash);
          if (!c || c.issuer !== document.issuer.toLowerCase() || c.schemaId !== document.schemaId.toLowerCase()) problems.push("notAnchoredByIssuer");
          code = indexer.credentialStatus(credentialHash, now);
        }
        status = STATUS_NAMES[code];
        if (status !== "valid") problems.push(status);
        if (BigInt(document.validFrom) > now) problems.push("notYetValid");
        if (document.validUntil !== "0" && BigInt(document.validUntil) < now) problems.push("expired");
      }
      const unique = [...new Set(problems)];
      const answer = { valid: unique.length === 0, credentialHash, status, claims, problems: unique };
      const r = await ctx.record({
        agency,
        citizen: /^0x[0-9a-fA-F]{64}$/.test(document.subject) ? document.subject.toLowerCase() : ZeroHash,
        kind: "credential",
        scopes: 0n,
        purpose: ZeroHash,
        grantId: ZeroHash,
        basis: "none",
        decision: answer.valid ? "allowed" : "denied",
        reason: answer.valid ? "CREDENTIAL_VALID" : `CREDENTIAL_${(unique[0] ?? "invalid").replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`.slice(0, 31),
        requestHash: ctx.responseHash(presentation),
        responseHash: ctx.responseHash(answer),
      });
      return { ...answer, receipt: r };
    },
  );
};
