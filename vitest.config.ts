import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// `@imi-ledger/sdk` resolves to its TypeScript source under the "imi-source" export condition.
const SOURCE = "imi-source";

export default defineConfig({
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions], externalConditions: [SOURCE] } },
  test: {
    include: ["test/**/*.test.ts"],
    // Generous: many tests spawn the CLI or a node, and a loaded 2-core machine runs them slowly.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
