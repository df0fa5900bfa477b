// Every text in both languages: the two catalogues have the same keys, no empty text, and every
// code a person can be shown (gateway refusals, access decisions, SDK and device errors) has an
// entry under errors.* in both.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { en } from "../../web/src/i18n/en.js";
import { zhCN } from "../../web/src/i18n/zh-CN.js";
import { UNAVAILABLE_CODES } from "../../node/gateway/errors.js";
import * as decisions from "../../node/indexer/decisions.js";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === "string") out.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith(".ts")) out.push(await readFile(path, "utf8"));
  }
  return out;
}

/** Codes the gateway answers with, read from its source so a new code cannot slip past. */
async function gatewayCodes(): Promise<Set<string>> {
  const codes = new Set<string>(Object.values(UNAVAILABLE_CODES));
  const patterns = [
    /(?:unauthorized|forbidden|badRequest|unavailable|notFound|conflict|tooMany)\(\s*"([A-Z][A-Z0-9_]+)"/g,
    /new GatewayError\(\s*"([A-Z][A-Z0-9_]+)"/g,
    /\bcode:\s*"([A-Z][A-Z0-9_]+)"/g,
    /\bcode\s*=\s*"([A-Z][A-Z0-9_]+)"/g,
    /\breason:\s*"([A-Z][A-Z0-9_]+)"/g,
  ];
  for (const text of await sources("node/gateway"))
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) codes.add(m[1]);
  return codes;
}

/** The SDK's own error codes (sdk/errors): the web app shows them when signing or reaching the gateway fails. */
async function sdkCodes(): Promise<Set<string>> {
  const codes = new Set<string>();
  for (const text of await sources("sdk/errors"))
    for (const m of text.matchAll(/(?:super|new \w+Error)\(\s*"([A-Z][A-Z0-9_]{2,})"/g)) codes.add(m[1]);
  for (const text of await sources("sdk/keys")) for (const m of text.matchAll(/Error\(\s*"([A-Z][A-Z0-9_]{2,})"/g)) codes.add(m[1]);
  return codes;
}

describe("web app texts", () => {
  const zh = flatten(zhCN as unknown as Tree);
  const english = flatten(en as unknown as Tree);

  it("zh-CN and en have exactly the same keys, none empty", () => {
    expect([...zh.keys()].filter((k) => !english.has(k))).toEqual([]);
    expect([...english.keys()].filter((k) => !zh.has(k))).toEqual([]);
    for (const [key, text] of [...zh, ...english]) expect(text.trim(), key).not.toBe("");
  });

  it("every gateway error code, access decision and SDK error has a text in both languages", async () => {
    const codes = new Set([...(await gatewayCodes()), ...Object.values(decisions.DECISION_CODES), ...Object.values((decisions as { LAPSE_CODES?: Record<number, string | undefined> }).LAPSE_CODES ?? {}).filter((c): c is string => !!c), ...(await sdkCodes())]);
    expect(codes.size).toBeGreaterThan(60);
    const missing = (catalogue: Map<string, string>) => [...codes].filter((code) => !catalogue.has(`errors.${code}`)).sort();
    expect(missing(zh), "zh-CN.ts errors.*").toEqual([]);
    expect(missing(english), "en.ts errors.*").toEqual([]);
  });

  it("interpolations name the same values in both languages", () => {
    const names = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of english) expect(names(zh.get(key) ?? ""), key).toEqual(names(text));
  });
});
