import { writeFile } from "node:fs/promises";
import { presentCredential, type CredentialPresentation } from "@imi-ledger/sdk";
import { converted, usage } from "../../internal/errors.js";
import { readCredential } from "../issuer/anchor.js";

export type PresentCredentialOptions = { credential: string; disclose: string; out?: string };
export type PresentCredentialResult = { presentation: CredentialPresentation; disclosed: string[]; file?: string };

/** The holder keeps only the claims to show (selective disclosure); the rest stay hidden behind salted digests. */
export async function presentCredentialFile(options: PresentCredentialOptions): Promise<PresentCredentialResult> {
  const disclosed = (options.disclose ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (disclosed.length === 0) throw usage("INVALID_DISCLOSURE", "--disclose: name the claims to show, e.g. age_over_65");
  const credential = await readCredential(options.credential);
  const presentation = await converted(async () => presentCredential(credential, disclosed));
  if (options.out) await writeFile(options.out, `${JSON.stringify(presentation, null, 2)}\n`);
  return { presentation, disclosed, ...(options.out ? { file: options.out } : {}) };
}
