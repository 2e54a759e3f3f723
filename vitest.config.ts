import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Workspace packages point their "development" export at src/, so tests run the sources.
    conditions: ["development"],
  },
  ssr: {
    resolve: { conditions: ["development"] },
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/**/*.test.ts", "bench/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
