/**
 * Third-party modules the bench drives, loaded from the workspace packages that depend on them.
 *
 * bench/ is not a workspace package; what the root does not depend on is reached through the package that does.
 */
import { createRequire } from "node:module";
import type BetterSqlite3 from "../packages/sqlite/node_modules/@types/better-sqlite3/index.js";

// The v1 client: what the official server's users run, and what the figures before SDK v2 were measured with.
export { Client } from "@modelcontextprotocol/sdk/client/index.js";
export { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
export { Agent, request } from "../packages/http/node_modules/undici/index.js";

/** better-sqlite3's constructor (a CommonJS native addon). */
export const Database: typeof BetterSqlite3 = createRequire(
  new URL("../packages/sqlite/package.json", import.meta.url),
)("better-sqlite3");
export type Database = BetterSqlite3.Database;
