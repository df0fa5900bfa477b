// An agency's request for consent, as a link it hands the citizen (printed as a QR, sent in a
// message): the citizen opens it in the web app, reads what is asked by name, and grants by signing
// in the browser. The link asks; it grants nothing and carries no citizen: whoever opens it signs
// for their own identity, and the window starts when they sign.
//
//   <app>/me/consents/request?v=1&agency=0x…&categories=address,birth&purpose=social-benefits&days=30&uses=5
//
// Plain query parameters rather than an encoded blob, so a person (or a counter clerk) can read
// what a link asks before opening it.
//
// A request may name an enterprise as the subject (`&enterprise=<unified social credit code>`, public
// in the business register): then only a representative acting for that enterprise signs it, and the
// grant's subject is the enterprise's id (enterpriseIdOf); ConsentRegistry checks her consent scope.
import { InvalidInputError } from "../errors/errors.js";
import { toNonZeroAddress } from "../internal/validate.js";
import type { Address, Hex } from "../types.js";
import { DEFAULT_CATEGORIES, scopesFromNames } from "../categories/dataCategories.js";
import { purposeCode } from "../utils.js";
import type { GrantRequest } from "../typedData/consentTypedData.js";
import { enterpriseIdOf, normalizeCreditCode } from "../enterprise/unifiedSocialCreditCode.js";

/** The web app's path a consent request link opens. */
export const CONSENT_REQUEST_PATH = "/me/consents/request";
/** The link format's version (parameter `v`); a link of another version is refused, not guessed at. */
export const CONSENT_REQUEST_VERSION = 1;
/** Longest window a link may ask for: ten years. */
export const CONSENT_REQUEST_MAX_DAYS = 3650;

export type ConsentRequest = {
  agency: Address;
  /** Data category ids, e.g. ["address", "birth"] (the gateway directory names them). */
  categories: string[];
  /** The purpose's plain id, e.g. "social-benefits"; its code is `purposeCode(purpose)`. */
  purpose: string;
  /** How long the consent lasts from the moment the citizen signs. */
  days: number;
  /** Uses allowed; 0 = no limit. */
  uses: number;
  /** The enterprise asked, by its unified social credit code; absent when the request is to a citizen. */
  enterprise?: string;
};

const PURPOSE_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function bad(field: string, message: string): never {
  throw new InvalidInputError("INVALID_CONSENT_REQUEST", field, message);
}

function wholeNumber(field: string, value: string | null, min: number, max: number): number {
  if (value === null || !/^(0|[1-9][0-9]*)$/.test(value)) bad(field, `${field} must be a whole number.`);
  const n = Number(value);
  if (n < min || n > max) bad(field, `${field} must be between ${min} and ${max}.`);
  return n;
}

/** Checks a request: a non-zero agency, known categories (at least one), a purpose id, a window, a use limit. Throws INVALID_CONSENT_REQUEST (or INVALID_ADDRESS). */
export function validateConsentRequest(r: ConsentRequest, categories: readonly string[] = DEFAULT_CATEGORIES): ConsentRequest {
  const agency = toNonZeroAddress("agency", r.agency);
  if (!Array.isArray(r.categories) || r.categories.length === 0) bad("categories", "A consent request names at least one data category.");
  const unique = [...new Set(r.categories)];
  for (const c of unique) if (!categories.includes(c)) bad("categories", `Unknown data category ${c}: use one of ${categories.join(", ")}.`);
  if (typeof r.purpose !== "string" || !PURPOSE_ID.test(r.purpose)) bad("purpose", "The purpose is a short id of lower-case letters, digits, '.', '_' or '-'.");
  if (!Number.isSafeInteger(r.days) || r.days < 1 || r.days > CONSENT_REQUEST_MAX_DAYS) bad("days", `days must be between 1 and ${CONSENT_REQUEST_MAX_DAYS}.`);
  if (!Number.isSafeInteger(r.uses) || r.uses < 0 || r.uses > 0xffffffff) bad("uses", "uses must be a whole number that fits uint32 (0 = no limit).");
  let enterprise: string | undefined;
  if (r.enterprise !== undefined) {
    try {
      enterprise = normalizeCreditCode(r.enterprise);
    } catch {
      bad("enterprise", "The enterprise is named by its 18-character unified social credit code, with a matching check character.");
    }
  }
  return { agency, categories: unique, purpose: r.purpose, days: r.days, uses: r.uses, ...(enterprise !== undefined ? { enterprise } : {}) };
}

/** The link for a request, under the web app at `base` (its origin, or origin plus a path prefix). */
export function encodeConsentRequestLink(base: string, request: ConsentRequest, categories: readonly string[] = DEFAULT_CATEGORIES): string {
  const r = validateConsentRequest(request, categories);
  const url = new URL(CONSENT_REQUEST_PATH.slice(1), base.endsWith("/") ? base : `${base}/`);
  url.search = new URLSearchParams({
    v: String(CONSENT_REQUEST_VERSION),
    agency: r.agency,
    categories: r.categories.join(","),
    purpose: r.purpose,
    days: String(r.days),
    uses: String(r.uses),
    ...(r.enterprise !== undefined ? { enterprise: r.enterprise } : {}),
  }).toString();
  return url.href;
}

/**
 * Reads a request from a link (a whole URL, or just its query string). Unknown version, a missing
 * or malformed field, an unknown category → INVALID_CONSENT_REQUEST; nothing is filled in by guess.
 */
export function parseConsentRequestLink(link: string, categories: readonly string[] = DEFAULT_CATEGORIES): ConsentRequest {
  if (typeof link !== "string") bad("link", "A consent request link is a string.");
  let params: URLSearchParams;
  try {
    params = /^[a-z][a-z0-9+.-]*:/i.test(link) ? new URL(link).searchParams : new URLSearchParams(link.startsWith("?") ? link.slice(1) : link);
  } catch {
    bad("link", "Not a link.");
  }
  if (params.get("v") !== String(CONSENT_REQUEST_VERSION)) bad("v", `Not a version ${CONSENT_REQUEST_VERSION} consent request link.`);
  const agency = params.get("agency");
  if (!agency) bad("agency", "The link names no agency.");
  const enterprise = params.get("enterprise");
  return validateConsentRequest(
    {
      agency: agency as Address,
      categories: (params.get("categories") ?? "").split(",").filter((c) => c.length > 0),
      purpose: params.get("purpose") ?? "",
      days: wholeNumber("days", params.get("days"), 1, CONSENT_REQUEST_MAX_DAYS),
      uses: wholeNumber("uses", params.get("uses"), 0, 0xffffffff),
      ...(enterprise !== null ? { enterprise } : {}),
    },
    categories,
  );
}

/**
 * The grant a citizen signs for a request, with the window starting at `now` (unix seconds). For a
 * request naming an enterprise, `citizen` is the enterprise's id (enterpriseIdOf(request.enterprise))
 * and the signer is its representative.
 */
export function consentRequestGrant(request: ConsentRequest, citizen: Hex, now: number, categories: readonly string[] = DEFAULT_CATEGORIES): GrantRequest {
  const r = validateConsentRequest(request, categories);
  // A link to an enterprise is never signed as the representative's own consent, nor for another enterprise.
  if (r.enterprise !== undefined && citizen.toLowerCase() !== enterpriseIdOf(r.enterprise).toLowerCase())
    bad("enterprise", "The request names an enterprise: the grant's subject is that enterprise.");
  return {
    citizen,
    agency: r.agency,
    scopes: scopesFromNames(r.categories, categories),
    purpose: purposeCode(r.purpose),
    validFrom: now,
    validUntil: now + r.days * 86_400,
    maxUses: r.uses,
  };
}
