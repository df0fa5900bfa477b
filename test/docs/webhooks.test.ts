// Runs the verifying receiver of docs/webhooks.md as written: its one TypeScript example that has a
// receiver in it, with "@imi-ledger/sdk" resolving to the source tree. No node is needed: the example
// signs in the gateway's place.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { expect, test } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

test("docs/webhooks.md: the receiver verifies a signed delivery, skips its repeat and refuses a changed body", async () => {
  const doc = readFileSync(join(root, "docs/webhooks.md"), "utf8");
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const example = blocks.find((b) => b.includes("createServer"));
  expect(example).toBeDefined();
  // Inside the tree, so the workspace package resolves as it does for an agency that installed it.
  const dir = join(root, "node_modules/.cache/imi-docs");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `webhooks-example-${process.pid}.ts`);
  writeFileSync(file, example!);
  const { result } = (await import(pathToFileURL(file).href)) as { result: { statuses: number[]; acted: number } };
  expect(result).toEqual({ statuses: [204, 204, 401], acted: 1 });
});
