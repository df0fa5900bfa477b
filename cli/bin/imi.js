#!/usr/bin/env node
// The `imi` command. The CLI is written in TypeScript and loaded through tsx, so the package runs
// from source without a separate build step.
import { register } from "tsx/esm/api";

const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  console.error(`imi needs Node.js 22 or newer (found ${process.version}); run it through npx or npm scripts.`);
  process.exit(1);
}
register();
await import("../cli.ts");
