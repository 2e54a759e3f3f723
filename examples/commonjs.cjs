/**
 * Use the servers from a CommonJS program. Our packages are ES modules, which Node 20.19 and later `require()`s;
 * the SDK ships both builds, and `require("@modelcontextprotocol/server")` gets its CommonJS one, a second copy of
 * the SDK beside the ES module copy our servers are built on. That copy's createMcpHandler and serveStdio do not
 * know our servers as theirs and answer 2026-07-28 clients with HTTP 500, so load the SDK with `import()`.
 *
 *   node examples/commonjs.cjs
 */
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { createFilesystemServerFactory } = require("@mcp-toolkit/filesystem");

async function main() {
  // import(), not require(): the SDK's ES module build, the one our servers use.
  const { createMcpHandler } = await import("@modelcontextprotocol/server");
  const { Client, StreamableHTTPClientTransport } = await import("@modelcontextprotocol/client");

  const root = mkdtempSync(join(tmpdir(), "mcp-commonjs-"));
  const factory = createFilesystemServerFactory({ root });
  const handler = createMcpHandler(factory);
  const fetch = (url, init) => handler.fetch(new Request(url, init));
  try {
    // A 2026-07-28 client and a 2025-era one, both answered in this process by the SDK's handler.
    for (const versionNegotiation of [{ mode: "auto" }, undefined]) {
      const client = new Client({ name: "commonjs-example", version: "1.0.0" }, { versionNegotiation });
      await client.connect(new StreamableHTTPClientTransport(new URL("http://in-process/mcp"), { fetch }));
      const { tools } = await client.listTools();
      console.log(`${client.getNegotiatedProtocolVersion()}: ${tools.length} tools`);
      await client.close();
    }
  } finally {
    await handler.close();
    await factory.close();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`commonjs example: ${error.message}\n`);
  process.exitCode = 1;
});
