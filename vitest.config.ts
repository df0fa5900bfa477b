import { defaultClientConditions, defaultServerConditions } from "vite";
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// `@imi-ledger/sdk` resolves to its TypeScript source under the "imi-source" export condition.
const SOURCE = "imi-source";

export default defineConfig({
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  // Without "module": Vitest hands these conditions to the test processes' own Node resolution too,
  // and there a CJS package's require() of a dual package (prom-client asking for
  // @opentelemetry/api, which lighthouse installs) would be given an ESM build Node cannot load.
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions.filter((c) => c !== "module")], externalConditions: [SOURCE] } },
  test: {
    include: ["test/**/*.test.ts"],
    // Generous: many tests spawn the CLI or a node, and a loaded 2-core machine runs them slowly.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default is one worker fewer than the cores, so on a 2-core machine the files ran one
    // at a time. Most of a file's time is spent waiting (for a block, a spawned process, a page),
    // so at least two run at once; each file has its own data directories and port-0 servers.
    maxWorkers: Math.max(2, availableParallelism()),
    // A rejection nobody handled fails the run even when every test passed (checked: exit 1 and an
    // "Unhandled Errors" report). Children the tests spawn (imi up, gateways) exit 70 on one
    // (node/runtime/exitOnBug.ts), which the tests that spawn them watch for.
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
