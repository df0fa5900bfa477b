import { describe, expect, it } from "vitest";
import { ACCESS_DECISIONS } from "../../../sdk/index.js";
import { Decision, DECISION_CODES } from "../../../node/indexer/decisions.js";

describe("the indexer's decisions", () => {
  // The SDK names IConsentRegistry.Decision in the contract's order; the view's numbers must be
  // the same ones, or an access record would carry another decision than the chain's check.
  it("are the contract's decisions in the SDK's order, each with a reason code", () => {
    expect(Object.keys(Decision)).toEqual([...ACCESS_DECISIONS]);
    expect(Object.values(Decision)).toEqual(ACCESS_DECISIONS.map((_, i) => i));
    for (const n of Object.values(Decision)) expect(DECISION_CODES[n]).toMatch(/^[A-Z_]+$/);
  });
});
