/**
 * Third-party modules the bench drives, loaded from the workspace packages that depend on them.
 *
 * bench/ is not a workspace package and the root has no dependency on these, so a bare import would not
 * resolve. Adding them as root devDependencies would turn these into plain `import … from "<name>"`.
 */
import { createRequire } from "node:module";
import type BetterSqlite3 from "../packages/sqlite/node_modules/@types/better-sqlite3/index.js";

export { Client } from "../packages/core/node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.js";
export {
  getDefaultEnvironment,
  StdioClientTransport,
} from "../packages/core/node_modules/@modelcontextprotocol/sdk/dist/esm/client/stdio.js";
export { Agent, request } from "../packages/http/node_modules/undici/index.js";

/** better-sqlite3's constructor (a CommonJS native addon). */
export const Database: typeof BetterSqlite3 = createRequire(
  new URL("../packages/sqlite/package.json", import.meta.url),
)("better-sqlite3");
export type Database = BetterSqlite3.Database;
