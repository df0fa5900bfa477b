#!/usr/bin/env node
// The `imi` command. It runs a bundle of itself when one is built and current (bundle.js: the
// commands start several times faster). Without one, it runs from source without a build step:
// Node 22 strips the types itself (module.stripTypeScriptTypes), and two in-thread module hooks
// map the sources' `./x.js` imports to `./x.ts` and add the "imi-source" export condition.
// In-thread hooks cost next to nothing per module, where an off-thread loader (tsx) made every
// one of the ~1,000 modules a command loads a round trip to its worker: `imi --version` took
// 1.5 times the CPU.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import nodeModule from "node:module";
import { fileURLToPath } from "node:url";
import { freshBundle } from "./bundle.js";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`imi needs Node.js 22.18 or newer (found ${process.version}); run it through npx or npm scripts.`);
  process.exit(1);
}
// The commands that run the chain in this process (`imi chain start`, `imi up`) start V8 with a
// young-generation size of its own, fixed when V8 starts, so the process replaces itself (same
// pid: signals and kill -9 reach the node) with the flag added; a size the operator chose (command
// line or NODE_OPTIONS) is kept. Figures in docs/chain.md.
// - Semi-spaces 32 MB: the default 16 MB scavenged so often while blocks execute that collection
//   was a sixth of the node's CPU; 64 MB halved the time in scavenges but its gain in CPU per
//   grant was within the machine's noise, and young-generation room counts as memory.
// - Old generation 640 MB: without a limit V8 sizes it from the machine's memory (about 4 GB on
//   24 GB) and lets garbage fill it: bench:district --quick peaked at 5.1 GB of RSS. What grew in
//   the live heap with the district (reader VMs kept by the chain's Common, the storage-slot
//   cache) is bounded now, and the rest of the node's caches have fixed bounds, so the live heap
//   stays a good way under the limit at district size (docs/scale.md, "memory"). An operator's
//   own --max-old-space-size wins.
const HEAP_FLAGS = [
  ["--max-semi-space-size", 32],
  ["--max-old-space-size", 640],
];
const runsChain = (() => {
  const words = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  return words[0] === "up" || (words[0] === "chain" && words[1] === "start");
})();
const heapFlags = HEAP_FLAGS.filter(([flag]) => !process.execArgv.some((a) => a.startsWith(flag)) && !process.env.NODE_OPTIONS?.includes(flag)).map(
  ([flag, mb]) => `${flag}=${mb}`,
);
if (runsChain && typeof process.execve === "function" && heapFlags.length > 0) {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...heapFlags, ...process.argv.slice(1)]);
}
const { registerHooks, stripTypeScriptTypes } = nodeModule;
// V8's compiled code for every module, kept between runs (keyed by the module's text).
nodeModule.enableCompileCache();

// `@imi-ledger/sdk` resolves to its TypeScript source under the "imi-source" export condition
// (without it, to the compiled dist/ that outside consumers get). The hook adds the condition for
// this process; NODE_OPTIONS carries it to any Node process started from here.
const SOURCE = "imi-source";
const SOURCE_CONDITION = `--conditions=${SOURCE}`;
if (!process.env.NODE_OPTIONS?.includes(SOURCE_CONDITION)) {
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, SOURCE_CONDITION].filter(Boolean).join(" ");
}

// Type stripping is stable in use but still flagged experimental in Node 22: its one warning is
// not for the person running `imi`.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const type = typeof rest[0] === "string" ? rest[0] : rest[0]?.type;
  if (type === "ExperimentalWarning" && /type stripping|stripTypeScriptTypes/i.test(String(warning))) return;
  return emitWarning.call(process, warning, ...rest);
};

registerHooks({
  resolve(specifier, context, next) {
    const withSource = context.conditions.includes(SOURCE) ? context : { ...context, conditions: [SOURCE, ...context.conditions] };
    // The sources import each other as `./x.js` (what TypeScript's NodeNext resolution expects).
    if (specifier.endsWith(".js") && (specifier.startsWith("./") || specifier.startsWith("../")) && context.parentURL?.endsWith(".ts")) {
      const url = new URL(specifier, context.parentURL);
      if (!existsSync(fileURLToPath(url))) {
        const ts = new URL(`${url.href.slice(0, -3)}.ts`);
        if (existsSync(fileURLToPath(ts))) return next(ts.href, withSource);
      }
    }
    return next(specifier, withSource);
  },
  load(url, context, next) {
    const loaded = next(url, context);
    if (loaded.format !== "module-typescript") return loaded;
    const code = String(loaded.source);
    // Stripping is WebAssembly work on every load: a fifth of `imi up`'s start-up CPU went to it, for
    // the same ~600 files each time. Its output is kept by the hash of the file's text, its URL (the
    // output names it) and Node's version (the stripper ships with Node).
    const key = createHash("sha256").update(`${process.version}\0${url}\0`).update(code).digest("hex");
    const cached = readStripped(key);
    if (cached !== undefined) return { format: "module", source: cached, shortCircuit: true };
    let source;
    try {
      // Types become spaces: lines and columns stay where they were, so stack traces need no map.
      source = stripTypeScriptTypes(code, { mode: "strip", sourceUrl: url });
    } catch (err) {
      // A class with parameter properties needs code generated; only those few files pay for it
      // (their inline source map serves `node --enable-source-maps`).
      if (err?.code !== "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX") throw err;
      source = stripTypeScriptTypes(code, { mode: "transform", sourceMap: true, sourceUrl: url });
    }
    keepStripped(key, source);
    return { format: "module", source, shortCircuit: true };
  },
});

// The stripped sources' cache sits with the project's other tool caches; it is only an
// optimisation: a cache that cannot be read or written is passed by.
const STRIP_CACHE = fileURLToPath(new URL("../../node_modules/.cache/imi-strip/", import.meta.url));
function readStripped(key) {
  try {
    return readFileSync(`${STRIP_CACHE}${key}.js`, "utf8");
  } catch {
    return undefined;
  }
}
function keepStripped(key, source) {
  try {
    mkdirSync(STRIP_CACHE, { recursive: true, mode: 0o700 });
    // Written whole under another name, then renamed: a reader never sees half a file.
    const temp = `${STRIP_CACHE}${key}.${process.pid}.tmp`;
    writeFileSync(temp, source, { mode: 0o600 });
    renameSync(temp, `${STRIP_CACHE}${key}.js`);
  } catch {
    // Not cached; stripped again next time.
  }
}

// The bundle when it is current (bundle.js), else the sources. IMI_BUNDLE=0 always runs the sources.
const bundled = process.env.IMI_BUNDLE === "0" ? undefined : freshBundle();
await import(bundled ?? "../cli.ts");
