import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Generous: many tests spawn the CLI or a node, and a loaded 2-core machine runs them slowly.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
