// The citizen's credentials. The gateway says which credentials are anchored about her and their
// status now (GET /v1/citizen/credentials); the credentials themselves (claims, salts, the
// issuer's signature) are files the issuer gave her, kept on this device in IndexedDB, and only the
// one claim she chooses leaves it, as a QR a verifier reads.
import { claimDigest, hashCredential, presentCredential, type CitizenCredential, type Hex, type IssuedCredential } from "@imi-ledger/sdk";
import type { Session } from "./http.js";
import { gateway } from "./client.js";
import { objectStore } from "../storage/objectStore.js";

export type { CitizenCredential, IssuedCredential };

export async function myCredentials(session: Session): Promise<CitizenCredential[]> {
  return (await gateway.getCitizenCredentials({ token: session.token })).credentials;
}

const DB = "imi-credentials";
const STORE = "held";

function fail(code: string, message: string, cause?: unknown): Error {
  return Object.assign(new Error(message), { code, cause });
}

const run = objectStore(DB, STORE);

/** The credentials kept on this device for `citizen`, by credential hash (lower case). */
export async function heldCredentials(citizen: Hex): Promise<Map<string, IssuedCredential>> {
  const all = await run("readonly", (s) => s.getAll() as IDBRequest<IssuedCredential[]>);
  return new Map(all.filter((c) => c.document.subject.toLowerCase() === citizen.toLowerCase()).map((c) => [c.credentialHash.toLowerCase(), c]));
}

/**
 * Checks a credential file before keeping it: its hash is the hash of its document, every claim
 * opens one of the signed digests, and it is about this citizen. Bad file → INVALID_CREDENTIAL;
 * someone else's → CREDENTIAL_NOT_YOURS. Nothing is kept unless all holds.
 */
export async function keepCredential(text: string, citizen: Hex): Promise<IssuedCredential> {
  let issued: IssuedCredential;
  try {
    issued = JSON.parse(text) as IssuedCredential;
    if (!issued?.document || !Array.isArray(issued.disclosures) || typeof issued.signature !== "string") throw new Error("not a credential");
    const hash = hashCredential(issued.document);
    if (hash.toLowerCase() !== String(issued.credentialHash).toLowerCase()) throw new Error("hash does not match the document");
    const digests = new Set(issued.document.claimDigests.map((d) => d.toLowerCase()));
    if (issued.disclosures.length === 0 || !issued.disclosures.every((d) => digests.has(claimDigest(d).toLowerCase()))) throw new Error("a claim does not open a signed digest");
  } catch (cause) {
    throw fail("INVALID_CREDENTIAL", "not a credential file", cause);
  }
  if (issued.document.subject.toLowerCase() !== citizen.toLowerCase()) throw fail("CREDENTIAL_NOT_YOURS", "the credential is about someone else");
  await run("readwrite", (s) => s.put(issued, issued.credentialHash.toLowerCase()));
  return issued;
}

/** What a verifier's reader gets: the signed document with only the one chosen claim opened (the SDK's presentation, as JSON). */
export function disclosureOf(issued: IssuedCredential, claim: string): string {
  return JSON.stringify(presentCredential(issued, [claim]));
}
