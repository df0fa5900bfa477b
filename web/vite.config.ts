import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The SDK is consumed from source (its "imi-source" export condition), so the app always builds
// against the SDK in this repository without a separate SDK build.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  resolve: { conditions: ["imi-source", "browser", "module", "development|production"] },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // No inline script anywhere: the page runs under script-src 'self'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
});
