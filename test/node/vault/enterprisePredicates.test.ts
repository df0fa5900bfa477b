// The enterprise predicates over a record's own fields: "licence valid?" and "tax in good standing?".
// A record without the field gives no answer (the gateway logs NO_RECORD), never a guess.
import { describe, expect, it } from "vitest";
import { evaluatePredicate, PREDICATE_CATEGORIES } from "../../../node/vault/index.js";

const DAY = 86_400_000;
const on = (date: string) => Date.parse(`${date}T12:00:00Z`);
const licence = (over: Record<string, string> = {}) => ({ licence: { number: "JY35010020260001", kind: "food-business", validUntil: "2030-12-31", status: "valid", ...over } });

describe("enterprise predicates", () => {
  it("read exactly their own category", () => {
    expect(PREDICATE_CATEGORIES.licenceValid).toBe("licence");
    expect(PREDICATE_CATEGORIES.taxInGoodStanding).toBe("tax");
  });

  it("licence valid: status valid, through its last day, of the kind asked", () => {
    const p = { type: "licenceValid" } as const;
    expect(evaluatePredicate(licence(), p, on("2026-12-02"))).toBe(true);
    expect(evaluatePredicate(licence(), p, on("2030-12-31"))).toBe(true);
    expect(evaluatePredicate(licence(), p, on("2030-12-31") + DAY)).toBe(false);
    expect(evaluatePredicate(licence({ status: "suspended" }), p, on("2026-12-02"))).toBe(false);
    expect(evaluatePredicate(licence({ status: "revoked" }), p, on("2026-12-02"))).toBe(false);
    expect(evaluatePredicate(licence(), { type: "licenceValid", kind: "food-business" }, on("2026-12-02"))).toBe(true);
    expect(evaluatePredicate(licence(), { type: "licenceValid", kind: "pharmacy" }, on("2026-12-02"))).toBe(false);
  });

  it("no answer without a licence, a status or a well-formed end date", () => {
    const p = { type: "licenceValid" } as const;
    expect(evaluatePredicate(undefined, p, on("2026-12-02"))).toBeUndefined();
    expect(evaluatePredicate({ tax: { standing: "good" } }, p, on("2026-12-02"))).toBeUndefined();
    expect(evaluatePredicate({ licence: { validUntil: "2030-12-31" } }, p, on("2026-12-02"))).toBeUndefined();
    expect(evaluatePredicate(licence({ validUntil: "31/12/2030" }), p, on("2026-12-02"))).toBeUndefined();
  });

  it("tax in good standing: only the standing 'good' is yes; no standing, no answer", () => {
    const p = { type: "taxInGoodStanding" } as const;
    expect(evaluatePredicate({ tax: { standing: "good", asOf: "2026-12-01" } }, p, on("2026-12-02"))).toBe(true);
    expect(evaluatePredicate({ tax: { standing: "arrears" } }, p, on("2026-12-02"))).toBe(false);
    expect(evaluatePredicate({ tax: { standing: 1 } }, p, on("2026-12-02"))).toBeUndefined();
    expect(evaluatePredicate({ licence: licence().licence }, p, on("2026-12-02"))).toBeUndefined();
  });
});
