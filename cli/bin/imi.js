#!/usr/bin/env node
// The `imi` command. The CLI is written in TypeScript and loaded through tsx, so the package runs
// from source without a separate build step.
import { register as registerHooks } from "node:module";
import { register } from "tsx/esm/api";

const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  console.error(`imi needs Node.js 22 or newer (found ${process.version}); run it through npx or npm scripts.`);
  process.exit(1);
}
// `@imi-ledger/sdk` resolves to its TypeScript source under the "imi-source" export condition
// (without it, to the compiled dist/ that outside consumers get). A resolve hook adds the condition
// for this process; NODE_OPTIONS carries it to any Node process started from here.
const SOURCE_CONDITION = "--conditions=imi-source";
if (!process.env.NODE_OPTIONS?.includes(SOURCE_CONDITION)) {
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, SOURCE_CONDITION].filter(Boolean).join(" ");
}
registerHooks(
  "data:text/javascript," +
    encodeURIComponent(
      'export function resolve(s, c, next) { return next(s, c.conditions.includes("imi-source") ? c : { ...c, conditions: ["imi-source", ...c.conditions] }); }',
    ),
);
register();
await import("../cli.ts");
