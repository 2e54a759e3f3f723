import { realpathSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { REPO, run } from "./helpers.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const PACKAGES = ["filesystem", "sqlite", "http"] as const;

// A plain ESM project outside the workspace that depends on the three packages. node_modules links to the
// package folders, as `npm install ../mcp-toolkit/packages/<pkg>` (or a registry install) would lay them out;
// each package's own dependencies resolve from its own folder.
const PROGRAM = `
import { createServer } from "node:http";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createFilesystemServer } from "@mcp-toolkit/filesystem";
import { createSqliteServer } from "@mcp-toolkit/sqlite";
import { createHttpServer } from "@mcp-toolkit/http";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";

async function connect(server) {
  const client = new Client({ name: "outside", version: "1.0.0" });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  return client;
}
const text = (r) => r.content.map((c) => c.text ?? "").join("");

const dir = await mkdtemp(join(tmpdir(), "outside-data-"));
const upstream = createServer((req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("hello " + req.url));
await new Promise((r) => upstream.listen(0, "127.0.0.1", r));

const fs = await connect(createFilesystemServer({ root: dir, readOnly: false }));
await fs.callTool({ name: "write_file", arguments: { path: "a.txt", content: "from outside" } });

const db = await connect(createSqliteServer({ database: join(dir, "data.db"), readOnly: false }));
await db.callTool({ name: "execute_write", arguments: { sql: "CREATE TABLE t (x INTEGER)" } });
await db.callTool({ name: "execute_write", arguments: { sql: "INSERT INTO t VALUES (?)", params: [42] } });
const query = await db.callTool({ name: "execute_query", arguments: { sql: "SELECT x FROM t" } });

const http = await connect(createHttpServer({ allowPrivate: true, allowHosts: ["127.0.0.1"] }));
const url = "http://127.0.0.1:" + upstream.address().port + "/ping";
const fetched = await http.callTool({ name: "http_get", arguments: { url } });

const result = {
  resolved: Object.fromEntries(["filesystem", "sqlite", "http"].map((p) => [p, import.meta.resolve("@mcp-toolkit/" + p)])),
  tools: {
    filesystem: (await fs.listTools()).tools.length,
    sqlite: (await db.listTools()).tools.length,
    http: (await http.listTools()).tools.length,
  },
  file: await readFile(join(dir, "a.txt"), "utf8"),
  query: JSON.stringify(query.structuredContent ?? text(query)),
  fetched: text(fetched),
};
for (const client of [fs, db, http]) await client.close();
upstream.close();
process.stdout.write(JSON.stringify(result));
`;

// The same use, type-checked: the factories' options are typed (a wrong type is an error) and exported.
const TYPED = `
import { createFilesystemServer } from "@mcp-toolkit/filesystem";
import { type SqliteServerOptions, createSqliteServer } from "@mcp-toolkit/sqlite";
import { type HttpServerOptions, createHttpServer } from "@mcp-toolkit/http";
import type { McpServer } from "@modelcontextprotocol/server";

const sqliteOptions: SqliteServerOptions = { database: "data.db", readOnly: true };
const httpOptions: HttpServerOptions = { allowHosts: ["api.github.com"], allowPrivate: false };
export const servers: McpServer[] = [
  createFilesystemServer({ root: "/srv/docs", readOnly: true }),
  createSqliteServer(sqliteOptions),
  createHttpServer(httpOptions),
];
// @ts-expect-error readOnly is a boolean
createFilesystemServer({ root: "/srv/docs", readOnly: "yes" });
// @ts-expect-error database is required
createSqliteServer({ readOnly: true });
// @ts-expect-error allowHosts is a list of patterns
createHttpServer({ allowHosts: "api.github.com" });
`;

describe("importing the factories from a plain ESM project outside the workspace", () => {
  let project: string;

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), "mcp-outside-project-"));
    expect(project.startsWith(REPO)).toBe(false);
    await writeFile(
      join(project, "package.json"),
      JSON.stringify({
        name: "outside-project",
        private: true,
        type: "module",
        dependencies: {
          "@mcp-toolkit/filesystem": "^0.1.0",
          "@mcp-toolkit/sqlite": "^0.1.0",
          "@mcp-toolkit/http": "^0.1.0",
          "@modelcontextprotocol/client": "^2.4.0",
          "@modelcontextprotocol/server": "^2.4.0",
        },
      }),
    );
    await mkdir(join(project, "node_modules/@mcp-toolkit"), { recursive: true });
    await mkdir(join(project, "node_modules/@modelcontextprotocol"), { recursive: true });
    for (const pkg of PACKAGES) {
      await symlink(join(REPO, "packages", pkg), join(project, "node_modules/@mcp-toolkit", pkg), "dir");
    }
    for (const [name, from] of [
      ["client", "node_modules/@modelcontextprotocol/client"],
      ["server", "packages/filesystem/node_modules/@modelcontextprotocol/server"],
    ]) {
      await symlink(
        realpathSync(join(REPO, from as string)),
        join(project, "node_modules/@modelcontextprotocol", name as string),
        "dir",
      );
    }
    await writeFile(join(project, "main.mjs"), PROGRAM);
    await writeFile(join(project, "typed.ts"), TYPED);
    await writeFile(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ["typed.ts"],
      }),
    );
  });

  afterAll(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it("runs each server from the packages' built dist with plain node", async () => {
    const { code, stdout, stderr } = await run(process.execPath, ["main.mjs"], { cwd: project });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      resolved: Record<string, string>;
      tools: Record<string, number>;
      file: string;
      query: string;
      fetched: string;
    };
    for (const pkg of PACKAGES) {
      // The default export condition: the compiled ESM in dist/, not the TypeScript sources.
      expect(result.resolved[pkg]).toBe(pathToFileURL(join(REPO, "packages", pkg, "dist/index.js")).href);
      expect(result.tools[pkg]).toBeGreaterThan(0);
    }
    expect(result.file).toBe("from outside");
    expect(result.query).toMatch(/\b42\b/);
    expect(result.fetched).toContain("hello /ping");
  });

  it("type-checks against the packages' declarations, options included", async () => {
    const tsc = join(REPO, "node_modules/.bin/tsc");
    const { code, stdout, stderr } = await run(tsc, ["-p", "tsconfig.json"], { cwd: project });
    expect(stdout + stderr).toBe("");
    expect(code).toBe(0);
  });
});
