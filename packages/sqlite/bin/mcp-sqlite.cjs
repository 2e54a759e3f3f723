#!/usr/bin/env node
// The mcp-sqlite command. The program and its fast launcher are built into dist/ (pnpm build); this file is in the
// repository so package managers can link the command before the first build.
"use strict";
try {
  require.resolve("../dist/cli.cjs");
} catch {
  process.stderr.write("mcp-sqlite: not built yet (../dist/cli.cjs is missing): run pnpm build\n");
  process.exit(1);
}
require("../dist/cli.cjs");
