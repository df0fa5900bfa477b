// The SDK owns the protocol: role ids, data categories, the access record's kinds, bases and leaf
// types, the encryption to an agency's key and the gateway retry table are declared in sdk/ only,
// and node/, cli/ and bench/ import them from @imi-ledger/sdk. A second declaration elsewhere is
// how the same constant once came to be written five times; this test fails on one.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ROLE = "(?:governor|registrar|issuer|agency|auditor|gateway|attester)";

/** What a declaration of each concept looks like in source. */
const DECLARATIONS: Array<{ concept: string; pattern: RegExp; sdkForm?: false }> = [
  { concept: "role id by name", pattern: new RegExp(`\\b${ROLE}\\s*:\\s*\\d+n?\\s*[,}]`, "i") },
  { concept: "role name by id", pattern: new RegExp(`["']?\\b[0-9]\\b["']?\\s*:\\s*["']${ROLE}["']`, "i"), sdkForm: false },
  { concept: "role id constant", pattern: /\b(?:const|let|var)\s+[A-Z_]*ROLE[A-Z_]*\s*(?::[^=]+)?=\s*\d+n?\s*;/, sdkForm: false },
  { concept: "role table", pattern: /\b(?:const|let|var)\s+(?:IMI_ROLES|ROLE_IDS)\s*(?::[^=]+)?=\s*\{/ },
  { concept: "data category table", pattern: /\[\s*["']identity["']\s*,\s*["']birth["']/ },
  { concept: "access kinds", pattern: /\[\s*["']data["']\s*,\s*["']predicate["']\s*,\s*["']identity["']/ },
  { concept: "access bases", pattern: /\[\s*["']none["']\s*,\s*["']consent["']\s*,\s*["']statutory["']\s*\]/ },
  { concept: "access record leaf types", pattern: /["']uint64["']\s*,\s*(?:\/\/[^\n]*\n\s*)?["']uint64["']\s*,\s*(?:\/\/[^\n]*\n\s*)?["']address["']\s*,\s*(?:\/\/[^\n]*\n\s*)?["']address["']/ },
  { concept: "encryption to an agency key", pattern: /\bfunction\s+(?:encryptToKey|decryptWithKey)\b|getSharedSecret\s*\(/ },
  { concept: "gateway retry table", pattern: /\[\s*50\s*,\s*100\s*,\s*200\s*,\s*400\s*,\s*800\s*\]|new Set\(\s*\[\s*["']INDEX_BEHIND["']\s*\]\s*\)/ },
];

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    for (const entry of readdirSync(p)) {
      if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue;
      const full = join(p, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|tsx|js|mjs)$/.test(entry) && !entry.endsWith(".d.ts")) out.push(full);
    }
  };
  walk(dir);
  return out;
}

/** Every match of a declaration pattern in the files, as "path:line: text". */
function declarations(files: string[], pattern: RegExp): string[] {
  const hits: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g");
    for (const m of text.matchAll(global)) {
      const line = text.slice(0, m.index).split("\n").length;
      hits.push(`${relative(root, file)}:${line}: ${m[0].split("\n")[0].trim()}`);
    }
  }
  return hits;
}

describe("protocol ownership", () => {
  const outside = ["node", "cli", "bench"].flatMap((d) => sources(join(root, d)));
  const sdk = sources(join(root, "sdk")).filter((f) => !f.includes(`${join("sdk", "scripts")}`));

  test.each(DECLARATIONS.filter((d) => d.sdkForm !== false))("$concept is declared in the SDK", ({ pattern }) => {
    // The pattern must find the SDK's own declaration, or it would prove nothing below.
    expect(declarations(sdk, pattern).length).toBeGreaterThan(0);
  });

  test.each(DECLARATIONS)("$concept is not declared in node/, cli/ or bench/", ({ pattern }) => {
    expect(declarations(outside, pattern)).toEqual([]);
  });

  test("node/, cli/ and bench/ import the SDK by its package name, not by a path into sdk/", () => {
    expect(declarations(outside, /(?:from|import\()\s*["'](?:\.\.\/)+sdk\/(?!scripts\/)[^"']*["']/)).toEqual([]);
  });
});
