import { writeFile } from "node:fs/promises";
import { issueCredential, type ClaimValue, type IssuedCredential } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { bytes32, time } from "../../internal/parse.js";

export type IssueCredentialOptions = NodeOptions & KeyOptions & { schema: string; subject: string; claims: string; validUntil?: string; out: string; force?: boolean };
export type IssueCredentialResult = { credentialHash: Hex; file: string; schemaId: Hex; subject: Hex; claims: string[] };

/**
 * The issuer writes and signs a credential off chain (salted claims, so the holder can disclose one
 * at a time) and saves it for the holder. Nothing goes on chain until `imi issuer anchor`.
 */
export async function issueCredentialFile(options: IssueCredentialOptions): Promise<IssueCredentialResult> {
  const schemaId = bytes32("--schema", options.schema);
  const subject = bytes32("--subject", options.subject);
  let claims: Record<string, ClaimValue>;
  try {
    claims = JSON.parse(options.claims) as Record<string, ClaimValue>;
  } catch {
    throw usage("INVALID_CLAIMS", '--claims: give a JSON object, e.g. {"age_over_65":true}');
  }
  if (typeof claims !== "object" || claims === null || Array.isArray(claims) || Object.keys(claims).length === 0)
    throw usage("INVALID_CLAIMS", "--claims: give a JSON object with at least one claim");
  const validUntil = options.validUntil === undefined ? 0 : Math.floor(time("--valid-until", options.validUntil) / 1000);
  const node = await connect(options);
  const issuer = await loadKey(options);
  const credential: IssuedCredential = issueCredential(issuer, { chainId: node.deployment.chainId, schemaId, subject, claims, validUntil });
  try {
    await writeFile(options.out, `${JSON.stringify(credential, null, 2)}\n`, { mode: 0o600, flag: options.force ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw usage("FILE_EXISTS", `--out: ${options.out} exists; pass --force to overwrite`);
    throw usage("FILE_UNWRITABLE", `--out: cannot write ${options.out}`);
  }
  return { credentialHash: credential.credentialHash, file: options.out, schemaId, subject, claims: Object.keys(claims) };
}
