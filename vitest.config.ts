import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Workspace packages point their "@mcp-toolkit/source" export at src/, so tests run the sources.
    conditions: ["@mcp-toolkit/source"],
  },
  ssr: {
    resolve: { conditions: ["@mcp-toolkit/source"] },
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/**/*.test.ts", "bench/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
