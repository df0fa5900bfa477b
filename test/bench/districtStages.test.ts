// The district benchmark's own pieces that decide whether its figures mean anything: the Merkle
// tree it anchors must be the one the SDK builds and the CredentialRegistry checks, and the keys
// it derives for the consent stage must be the ones the onboarding CSV names. Pure, no node.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildCredentialBatch } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { byteTree } from "../../bench/districtCredits.js";
import { keyedCitizen } from "../../bench/districtConsents.js";

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}` as Hex;

describe("bench:district credit tree", () => {
  it("has the SDK's root and proofs for every size from 1 to 40 and at 1,000", () => {
    for (const n of [...Array.from({ length: 40 }, (_, i) => i + 1), 1_000]) {
      const bytes = randomBytes(32 * n);
      const list = Array.from({ length: n }, (_, i) => hex(bytes.subarray(i * 32, i * 32 + 32)));
      const sdk = buildCredentialBatch(list);
      const mine = byteTree(bytes, n);
      expect(mine.root).toBe(sdk.root.toLowerCase());
      for (const i of [0, n >> 1, n - 1]) expect(mine.proof(i)).toEqual(sdk.proofs.get(list[i]!)!.map((p) => p.toLowerCase()));
    }
  });
});

describe("bench:district keyed citizens", () => {
  it("derives the same key and citizen id from the same seed and index, and different ones otherwise", () => {
    const seed = randomBytes(16);
    const a = keyedCitizen(seed, 7);
    expect(keyedCitizen(seed, 7).account.address).toBe(a.account.address);
    expect(keyedCitizen(seed, 7).citizen).toBe(a.citizen);
    expect(keyedCitizen(seed, 8).account.address).not.toBe(a.account.address);
    expect(keyedCitizen(randomBytes(16), 7).citizen).not.toBe(a.citizen);
  });
});
