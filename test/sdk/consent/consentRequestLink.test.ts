// The consent request link: what an agency hands a citizen. One format, read back exactly; anything
// malformed is refused with INVALID_CONSENT_REQUEST (or INVALID_ADDRESS), never filled in by guess.
import { describe, expect, test } from "vitest";
import {
  CONSENT_REQUEST_PATH,
  consentRequestGrant,
  encodeConsentRequestLink,
  enterpriseIdOf,
  parseConsentRequestLink,
  purposeCode,
  type ConsentRequest,
} from "@imi-ledger/sdk";

const AGENCY = "0x1111111111111111111111111111111111111111";
const REQUEST: ConsentRequest = { agency: AGENCY, categories: ["address", "birth"], purpose: "social-benefits", days: 30, uses: 5 };
const CITIZEN = `0x${"ab".repeat(32)}` as const;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe("consent request link", () => {
  test("encodes under the app's path and reads back the same request", () => {
    const link = encodeConsentRequestLink("https://imi.example.gov.cn", REQUEST);
    expect(link.startsWith(`https://imi.example.gov.cn${CONSENT_REQUEST_PATH}?v=1&`)).toBe(true);
    expect(parseConsentRequestLink(link)).toEqual(REQUEST);
    expect(parseConsentRequestLink(new URL(link).search)).toEqual(REQUEST);
  });

  test("keeps a path prefix of the app's base", () => {
    expect(encodeConsentRequestLink("https://gov.example/imi/", REQUEST)).toMatch(/^https:\/\/gov\.example\/imi\/me\/consents\/request\?/);
  });

  test("the grant starts when the citizen signs and lasts the days asked", () => {
    const grant = consentRequestGrant(REQUEST, CITIZEN, 1_000_000);
    expect(grant).toEqual({ citizen: CITIZEN, agency: AGENCY, scopes: 6n, purpose: purposeCode("social-benefits"), validFrom: 1_000_000, validUntil: 1_000_000 + 30 * 86_400, maxUses: 5 });
  });

  const good = new URL(encodeConsentRequestLink("https://x.example", REQUEST));
  const bent = (name: string, value: string | null) => {
    const u = new URL(good);
    if (value === null) u.searchParams.delete(name);
    else u.searchParams.set(name, value);
    return u.href;
  };
  test.each([
    ["another version", bent("v", "2"), "INVALID_CONSENT_REQUEST"],
    ["no version", bent("v", null), "INVALID_CONSENT_REQUEST"],
    ["no agency", bent("agency", null), "INVALID_CONSENT_REQUEST"],
    ["a malformed agency", bent("agency", "0x1234"), "INVALID_ADDRESS"],
    ["the zero agency", bent("agency", `0x${"0".repeat(40)}`), "INVALID_ADDRESS"],
    ["no categories", bent("categories", ""), "INVALID_CONSENT_REQUEST"],
    ["an unknown category", bent("categories", "address,bank"), "INVALID_CONSENT_REQUEST"],
    ["a purpose with spaces", bent("purpose", "any purpose"), "INVALID_CONSENT_REQUEST"],
    ["no purpose", bent("purpose", null), "INVALID_CONSENT_REQUEST"],
    ["zero days", bent("days", "0"), "INVALID_CONSENT_REQUEST"],
    ["too many days", bent("days", "3651"), "INVALID_CONSENT_REQUEST"],
    ["fractional days", bent("days", "1.5"), "INVALID_CONSENT_REQUEST"],
    ["negative uses", bent("uses", "-1"), "INVALID_CONSENT_REQUEST"],
    ["uses beyond uint32", bent("uses", "4294967296"), "INVALID_CONSENT_REQUEST"],
    ["not a link", "http://[", "INVALID_CONSENT_REQUEST"],
  ])("refuses %s", (_what, link, code) => {
    expect(codeOf(() => parseConsentRequestLink(link))).toBe(code);
  });

  test("a request naming an enterprise reads back with its code in registered form, and its grant's subject is the enterprise", () => {
    const link = encodeConsentRequestLink("https://x.example", { ...REQUEST, enterprise: " 91440300708461136t " });
    expect(new URL(link).searchParams.get("enterprise")).toBe("91440300708461136T");
    const read = parseConsentRequestLink(link);
    expect(read).toEqual({ ...REQUEST, enterprise: "91440300708461136T" });
    const subject = enterpriseIdOf("91440300708461136T");
    expect(consentRequestGrant(read, subject, 1_000_000).citizen).toBe(subject);
    // Signed as the representative's own consent, or for another enterprise: refused, not redirected.
    expect(codeOf(() => consentRequestGrant(read, CITIZEN, 1_000_000))).toBe("INVALID_CONSENT_REQUEST");
    expect(codeOf(() => parseConsentRequestLink(`${link.replace(/enterprise=[^&]+/, "enterprise=91440300708461136X")}`))).toBe("INVALID_CONSENT_REQUEST");
    expect(codeOf(() => parseConsentRequestLink(`${link.replace(/enterprise=[^&]+/, "enterprise=")}`))).toBe("INVALID_CONSENT_REQUEST");
  });

  test("refuses to encode a request it would refuse to read", () => {
    expect(codeOf(() => encodeConsentRequestLink("https://x.example", { ...REQUEST, days: 0 }))).toBe("INVALID_CONSENT_REQUEST");
  });
});
