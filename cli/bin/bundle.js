// The `imi` command as one bundle: the CLI, the node and the SDK with the npm packages they load,
// built by esbuild (`npm run build:cli`, and by `npm run build` and the benches that start `imi`).
// Loading the ~2,000 modules of `imi up` one by one was most of a restart's time (docs/scale.md,
// "Restart to serving"): resolving, hooking and linking each file, where a bundle is a handful of
// files. The launcher (imi.js) runs the bundle only while every file it was built from is unchanged
// (size and modification time, listed in its manifest) and runs the sources otherwise, so an edit
// is never hidden behind an old bundle: it only makes that start slower until the next build.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIR = join(ROOT, "node_modules", ".cache", "imi-bundle");
const MANIFEST = join(DIR, "manifest.json");
/** What the CLI's module graph starts from. */
const ENTRY = join(ROOT, "cli", "cli.ts");
/** Read as inputs although no module imports them: a changed install can change how imports resolve. */
const ALSO = ["package.json", "package-lock.json"];

// Left to Node's own loading, each for a reason:
// - native addons (classic-level, secp256k1) load a binary found from their own directory;
// - @fastify/static and @fastify/swagger-ui serve files from their own directory;
// - pino and thread-stream start workers from files of their own;
// - ws requires optional native helpers when they are installed;
// - hardhat and Ignition (the first start's deployment) load the project's Hardhat configuration;
// - @ethereumjs/*: the chain patches the EVM interpreter's prototype (jumpAnalysisCache.ts), which
//   it finds next to the package's entry, so the EVM must be the package's own files; and its
//   sibling packages stay with it so the chain and the EVM share one copy of each class.
const EXTERNAL = ["classic-level", "secp256k1", "@fastify/static", "@fastify/swagger-ui", "pino", "thread-stream", "ws", "hardhat", "@nomicfoundation/*", "@ethereumjs/*"];

/** The bundle's entry file when it was built from the files as they are now; else undefined. */
export function freshBundle() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, "utf8"));
  } catch {
    return undefined;
  }
  if (manifest.version !== 1 || manifest.root !== ROOT || manifest.node !== process.version) return undefined;
  try {
    for (const [path, size, mtimeMs] of manifest.inputs) {
      const info = statSync(join(ROOT, path));
      if (info.size !== size || Math.trunc(info.mtimeMs) !== mtimeMs) return undefined;
    }
  } catch {
    return undefined;
  }
  return pathToFileURL(join(DIR, manifest.entry)).href;
}

/** Builds the bundle and writes its manifest; returns the number of input files and the time taken. */
export async function buildBundle() {
  const { build } = await import("esbuild");
  const started = performance.now();
  const startedAt = Date.now();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    platform: "node",
    format: "esm",
    target: `node${process.versions.node.split(".")[0]}`,
    // Commands load their parts when they run (`imi up` the node): split, each part stays lazy.
    splitting: true,
    outdir: DIR,
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    // `NODE_OPTIONS=--enable-source-maps` maps stack traces back to the sources.
    sourcemap: "linked",
    write: false,
    metafile: true,
    conditions: ["imi-source"],
    external: EXTERNAL,
    logLevel: "warning",
    // CommonJS packages inside an ES module bundle still call require().
    banner: { js: 'import { createRequire as __imiCreateRequire } from "node:module"; const require = __imiCreateRequire(import.meta.url);' },
    plugins: [sourceUrls()],
  });
  const inputs = [...new Set([...Object.keys(result.metafile.inputs).map((p) => resolve(ROOT, p)), ...ALSO.map((p) => join(ROOT, p))])].map((file) => {
    const info = statSync(file);
    // Changed while the build read it: the bundle may hold either version, so it is not kept.
    if (Math.trunc(info.mtimeMs) > startedAt) throw new Error(`${relative(ROOT, file)} changed during the build; build again`);
    return [relative(ROOT, file), info.size, Math.trunc(info.mtimeMs)];
  });
  mkdirSync(DIR, { recursive: true });
  // File names carry their contents' hash: a file already there is this one, perhaps being read
  // by a running node, and is left alone; a new one is written whole under another name, then renamed.
  const written = new Set();
  for (const file of result.outputFiles) {
    written.add(file.path);
    try {
      statSync(file.path);
      continue;
    } catch {
      // not there yet
    }
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
  const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint !== undefined && resolve(ROOT, output.entryPoint) === ENTRY)?.[0];
  if (!entry) throw new Error("esbuild produced no entry file");
  const manifest = { version: 1, root: ROOT, node: process.version, entry: relative(DIR, resolve(ROOT, entry)), builtAt: new Date().toISOString(), inputs };
  const temp = `${MANIFEST}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(manifest));
  renameSync(temp, MANIFEST);
  removeOld(written);
  return { inputs: inputs.length, ms: Math.round(performance.now() - started) };
}

/** Files of earlier builds, a week after they were replaced: a node started from one may still load its parts lazily. */
function removeOld(current) {
  const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
  for (const name of readdirSync(DIR)) {
    const path = join(DIR, name);
    if (path === MANIFEST || current.has(path)) continue;
    try {
      if (statSync(path).mtimeMs < weekAgo) unlinkSync(path);
    } catch {
      // gone already
    }
  }
}

/**
 * The sources find files of the checkout beside themselves (`new URL("../package.json",
 * import.meta.url)`): in the bundle each keeps its own file's URL.
 */
function sourceUrls() {
  return {
    name: "imi-source-urls",
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes("/node_modules/")) return undefined;
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        return { contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts", resolveDir: dirname(args.path) };
      });
    },
  };
}
