import { readFile, writeFile } from "node:fs/promises";
import { hashCredential, type IssuedCredential } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { progressBar } from "../../internal/progress.js";

export type AnchorOptions = NodeOptions & KeyOptions & { files: string[]; batch?: boolean; progress?: boolean };
export type AnchorResult = {
  mode: "single" | "batch";
  anchored: Array<{ file: string; credentialHash: Hex; txHash: Hex }>;
  batch?: { root: Hex; count: number; txHash: Hex };
};

/** Reads and checks a credential file the way a verifier would: its hash must match its document. */
export async function readCredential(file: string): Promise<IssuedCredential> {
  let credential: IssuedCredential;
  try {
    credential = JSON.parse(await readFile(file, "utf8")) as IssuedCredential;
  } catch {
    throw usage("CREDENTIAL_UNREADABLE", `cannot read a credential from ${file}`);
  }
  let hash: Hex;
  try {
    hash = hashCredential(credential.document);
  } catch {
    throw usage("INVALID_CREDENTIAL", `${file}: not an issued credential (no valid document)`);
  }
  if (hash.toLowerCase() !== String(credential.credentialHash).toLowerCase()) throw usage("INVALID_CREDENTIAL", `${file}: credentialHash does not match its document`);
  return credential;
}

/**
 * Anchors credential files: one transaction per credential (with a progress bar), or with --batch
 * one Merkle root for all of them, writing each file's inclusion proof back into it so the holder
 * can present it. Every file is checked before anything is sent.
 */
export async function anchorCredentials(options: AnchorOptions): Promise<AnchorResult> {
  if (options.files.length === 0) throw usage("NO_FILES", "name at least one credential file");
  const credentials = await Promise.all(options.files.map(readCredential));
  const schemas = new Set(credentials.map((c) => c.document.schemaId.toLowerCase()));
  if (options.batch && schemas.size !== 1) throw usage("MIXED_SCHEMAS", "a batch holds credentials of one schema only");
  const node = await connect(options);
  const issuer = await loadKey(options);
  const wrongIssuer = credentials.findIndex((c) => c.document.issuer.toLowerCase() !== issuer.address.toLowerCase());
  if (wrongIssuer >= 0) throw usage("WRONG_ISSUER", `${options.files[wrongIssuer]} was issued by ${credentials[wrongIssuer].document.issuer}, not by this key`);
  const client = node.client(issuer);
  if (options.batch) {
    const schemaId = credentials[0].document.schemaId;
    const out = await client.credentials.anchorBatch({ credentialHashes: credentials.map((c) => c.credentialHash), schemaId });
    await Promise.all(
      credentials.map((c, i) =>
        writeFile(options.files[i], `${JSON.stringify({ ...c, batch: { root: out.root, proof: out.proofs.get(c.credentialHash.toLowerCase() as Hex) ?? out.proofs.get(c.credentialHash) } }, null, 2)}\n`, { mode: 0o600 }),
      ),
    );
    return { mode: "batch", anchored: credentials.map((c, i) => ({ file: options.files[i], credentialHash: c.credentialHash, txHash: out.hash })), batch: { root: out.root, count: out.count, txHash: out.hash } };
  }
  const anchored: AnchorResult["anchored"] = [];
  const bar = progressBar(credentials.length, "anchoring", options.progress !== false);
  try {
    for (const [i, c] of credentials.entries()) {
      const { document } = c;
      const { hash } = await client.credentials.anchor({
        credentialHash: c.credentialHash,
        schemaId: document.schemaId,
        subject: document.subject,
        validFrom: document.validFrom,
        validUntil: document.validUntil,
      });
      anchored.push({ file: options.files[i], credentialHash: c.credentialHash, txHash: hash });
      bar.tick();
    }
  } finally {
    bar.stop();
  }
  return { mode: "single", anchored };
}
