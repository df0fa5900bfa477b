// Credentials off chain: the document an issuer signs and a holder keeps, with salted claims so the
// holder can disclose one claim (say "age_over_18") and nothing else. Pure.
//
// Each claim becomes a digest keccak256(abi.encode(salt, name, canonicalJson(value))); the signed
// document lists only the sorted digests (the approach of SD-JWT, in EIP-712 form). The credential
// hash anchored on chain is the EIP-712 digest of the document in the "IMI Credential" domain, and
// the issuer's signature is over that same digest.
import { AbiCoder, keccak256 } from "ethers";
import type { LocalAccount } from "../keys/privateKeyToAccount.js";
import { InvalidInputError } from "../errors/errors.js";
import { toAddress, toBytes32, toChainId, toNonZeroBytes32, toUint } from "../internal/validate.js";
import { CREDENTIAL_DOMAIN_NAME, chainDomain } from "../typedData/domains.js";
import { hashTypedData, type TypedDataDefinition } from "../typedData/hashTypedData.js";
import { canonicalJson, randomBytes32 } from "../utils.js";
import type { Address, Hex, Numberish } from "../types.js";
import type { BatchMembership } from "../internal/credentialStatusChange.js";

export const credentialTypes = {
  Credential: [
    { name: "id", type: "bytes32" },
    { name: "schemaId", type: "bytes32" },
    { name: "issuer", type: "address" },
    { name: "subject", type: "bytes32" },
    { name: "validFrom", type: "uint64" },
    { name: "validUntil", type: "uint64" },
    { name: "claimDigests", type: "bytes32[]" },
  ],
} as const;

export type ClaimValue = string | number | boolean | null | ClaimValue[] | { [key: string]: ClaimValue };

/** The signed document (JSON-safe). */
export type CredentialDocument = {
  chainId: number;
  id: Hex;
  schemaId: Hex;
  issuer: Address;
  subject: Hex;
  validFrom: string;
  validUntil: string;
  claimDigests: Hex[];
};

/** One claim's opening: what a holder reveals to disclose it. */
export type Disclosure = { name: string; value: ClaimValue; salt: Hex };

/** What the holder keeps: the document, every disclosure, the issuer's signature and, for batched ones, the proof. */
export type IssuedCredential = {
  document: CredentialDocument;
  disclosures: Disclosure[];
  signature: Hex;
  credentialHash: Hex;
  batch?: BatchMembership;
};

/** What a holder shows a verifier: the same, with only the chosen disclosures. */
export type CredentialPresentation = Omit<IssuedCredential, "credentialHash">;

export function claimDigest(d: Disclosure): Hex {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(["bytes32", "string", "string"], [toBytes32("salt", d.salt), d.name, canonicalJson(d.value)]),
  ) as Hex;
}

export function credentialTypedData(document: CredentialDocument): TypedDataDefinition<"Credential"> {
  return {
    domain: chainDomain(CREDENTIAL_DOMAIN_NAME, document.chainId),
    types: credentialTypes,
    primaryType: "Credential",
    message: {
      id: toNonZeroBytes32("id", document.id),
      schemaId: toNonZeroBytes32("schemaId", document.schemaId),
      issuer: toAddress("issuer", document.issuer),
      subject: toBytes32("subject", document.subject),
      validFrom: toUint("validFrom", document.validFrom, 64),
      validUntil: toUint("validUntil", document.validUntil, 64),
      claimDigests: document.claimDigests.map((h, i) => toBytes32(`claimDigests[${i}]`, h)),
    },
  };
}

/** The hash the CredentialRegistry anchors for this document. */
export function hashCredential(document: CredentialDocument): Hex {
  return hashTypedData(credentialTypedData(document));
}

export type CreateCredentialParameters = {
  chainId: Numberish;
  schemaId: Hex;
  issuer: Address;
  /** Citizen id, or omitted for a credential about no citizen. */
  subject?: Hex;
  validFrom?: Numberish;
  /** 0 / omitted = no expiry. */
  validUntil?: Numberish;
  claims: Record<string, ClaimValue>;
  /** Default random. */
  id?: Hex;
};

/** Builds an unsigned credential: salts each claim and computes the digests and the credential hash. */
export function createCredential(p: CreateCredentialParameters): Omit<IssuedCredential, "signature"> {
  const names = Object.keys(p.claims ?? {});
  if (names.length === 0) throw new InvalidInputError("INVALID_CREDENTIAL", "claims", "A credential needs at least one claim.");
  const disclosures = names.map((name) => ({ name, value: p.claims[name], salt: randomBytes32() }));
  const document: CredentialDocument = {
    chainId: toChainId("chainId", p.chainId),
    id: toNonZeroBytes32("id", p.id ?? randomBytes32()),
    schemaId: toNonZeroBytes32("schemaId", p.schemaId),
    issuer: toAddress("issuer", p.issuer),
    subject: toBytes32("subject", p.subject ?? `0x${"0".repeat(64)}`),
    validFrom: toUint("validFrom", p.validFrom ?? 0, 64).toString(),
    validUntil: toUint("validUntil", p.validUntil ?? 0, 64).toString(),
    claimDigests: disclosures.map(claimDigest).sort(),
  };
  return { document, disclosures, credentialHash: hashCredential(document) };
}

/** The issuer creates and signs a credential with its key (anchor `credentialHash` afterwards). */
export function issueCredential(account: LocalAccount, p: Omit<CreateCredentialParameters, "issuer">): IssuedCredential {
  const unsigned = createCredential({ ...p, issuer: account.address });
  return { ...unsigned, signature: account.signDigest(unsigned.credentialHash) };
}

/** The holder keeps only the named claims' openings. Unknown names throw INVALID_CREDENTIAL. */
export function presentCredential(issued: IssuedCredential, disclose: readonly string[]): CredentialPresentation {
  const disclosures = disclose.map((name) => {
    const d = issued.disclosures.find((x) => x.name === name);
    if (!d) throw new InvalidInputError("INVALID_CREDENTIAL", "disclose", `The credential has no claim "${name}".`);
    return d;
  });
  return { document: issued.document, disclosures, signature: issued.signature, ...(issued.batch ? { batch: issued.batch } : {}) };
}
