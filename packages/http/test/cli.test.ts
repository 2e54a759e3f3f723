import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstream, text, type Upstream } from "./helpers.js";

// The built bin, as Claude Desktop runs it. `pnpm test` builds first.
const bin = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));

let upstream: Upstream;
beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run pnpm --filter @mcp-toolkit/http build first`);
  upstream = await startUpstream((req, res) =>
    req.url === "/page"
      ? res.writeHead(200, { "content-type": "text/html" }).end("<h1>Title</h1><script>x()</script>")
      : res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'),
  );
});
afterAll(() => upstream.close());

/** One http_get of the upstream's /x through the bin started with `args` and `env` (loopback allowed), as a client. */
async function getThroughBin(args: string[], env: Record<string, string>): Promise<CallToolResult> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    env: { PATH: process.env.PATH ?? "", MCP_HTTP_ALLOW_PRIVATE: "1", MCP_LOG_LEVEL: "silent", ...env },
    stderr: "pipe",
  });
  const client = new Client({ name: "smoke", version: "0" });
  await client.connect(transport);
  try {
    return (await client.callTool({ name: "http_get", arguments: { url: `${upstream.origin}/x` } })) as CallToolResult;
  } finally {
    await client.close();
  }
}

describe("mcp-http bin", () => {
  it("serves stdio: initialize, tools/list, and a call to a local server", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin],
      env: { PATH: process.env.PATH ?? "", MCP_HTTP_ALLOW_PRIVATE: "1", MCP_LOG_LEVEL: "silent" },
      stderr: "pipe",
    });
    const client = new Client({ name: "smoke", version: "0" });
    await client.connect(transport);
    try {
      const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
        version: string;
      };
      expect(client.getServerVersion()).toMatchObject({ name: "mcp-http", version });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(["http_get", "http_post", "http_request"]);
      const result = (await client.callTool({
        name: "http_get",
        arguments: { url: `${upstream.origin}/x` },
      })) as CallToolResult;
      expect(text(result)).toContain('"ok": true');
      expect(upstream.seen.at(-1)?.url).toBe("/x");
      const page = (await client.callTool({
        name: "http_get",
        arguments: { url: `${upstream.origin}/page` },
      })) as CallToolResult;
      expect(text(page)).toMatch(/\n\n# Title$/);
    } finally {
      await client.close();
    }
  });

  it("starts with MCP_HTTP_ALLOW_HOSTS a comma list that begins with an IPv6 literal, and reaches a listed host", async () => {
    const result = await getThroughBin([bin], {
      MCP_HTTP_ALLOW_HOSTS: `[::1]:${upstream.port},127.0.0.1:${upstream.port}`,
    });
    expect(text(result)).toContain('"ok": true');
    expect(upstream.seen.at(-1)?.url).toBe("/x");
  });

  it.each([
    [["--allow-loopback"], {}],
    [[], { MCP_HTTP_ALLOW_LOOPBACK: "1" }],
  ])("with %j %j alone (no MCP_HTTP_ALLOW_PRIVATE) reaches a local server", async (args, env) => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, ...args],
      env: { PATH: process.env.PATH ?? "", MCP_LOG_LEVEL: "silent", ...env },
      stderr: "pipe",
    });
    const client = new Client({ name: "smoke", version: "0" });
    await client.connect(transport);
    try {
      expect(client.getInstructions()).toContain(
        "Loopback addresses (localhost) are allowed; private addresses are refused.",
      );
      const result = (await client.callTool({
        name: "http_get",
        arguments: { url: `${upstream.origin}/loopback` },
      })) as CallToolResult;
      expect(text(result)).toContain('"ok": true');
      expect(upstream.seen.at(-1)?.url).toBe("/loopback");
    } finally {
      await client.close();
    }
  });

  it("refuses a host list that is neither JSON nor a list, showing a host list to copy", async () => {
    const { code, stderr } = await run([bin], { MCP_HTTP_ALLOW_HOSTS: "[api.example.com]" });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^mcp-http: MCP_HTTP_ALLOW_HOSTS starts with "\[", so it is read as a JSON array of strings, but it is not valid JSON \(.+\); write it like \["\[::1\]:8080", "api\.example\.com"\]\n$/,
    );
  });

  it.each([
    ["the flag", ["--credentials", "{bad"], {}, "--credentials"],
    ["the environment variable", [], { MCP_HTTP_CREDENTIALS: "{bad" }, "MCP_HTTP_CREDENTIALS"],
  ])("names the credentials setting actually used when its JSON is bad: %s", async (_, args, env, where) => {
    const { code, stderr } = await run([bin, ...args], env);
    expect(code).toBe(2);
    expect(stderr).toBe(`mcp-http: ${where} is not valid JSON; expected {"host": {"Header": "value"}}\n`);
  });

  it("refuses to start with a bad setting, in one line", async () => {
    const { code, stderr } = await run([bin], { MCP_HTTP_TIMEOUT_MS: "soon" });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'mcp-http: --timeout-ms (MCP_HTTP_TIMEOUT_MS) must be a whole number from 1 to 2147483647, got "soon"\n',
    );
  });

  it("refuses an image limit that is no whole number, in one line", async () => {
    const { code, stderr } = await run([bin], { MCP_HTTP_MAX_IMAGE_BYTES: "1MB" });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'mcp-http: --max-image-bytes (MCP_HTTP_MAX_IMAGE_BYTES) must be a whole number ≥ 1, got "1MB"\n',
    );
  });

  it("refuses a trusted proxy that is no address before it opens anything, naming the entry", async () => {
    const { code, stderr } = await run([bin, "--transport", "http", "--port", "0", "--trust-proxy", "nginx"], {
      MCP_AUTH_TOKEN: "0123456789abcdef0123456789abcdef",
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'mcp-http: --trust-proxy (MCP_TRUST_PROXY): "nginx" is not an IP address, a CIDR range (10.0.0.0/8) or loopback, linklocal, uniquelocal\n',
    );
  });

  // `::1:8080` is an IPv6 address too: taken as one, it matched nothing and the port was refused with no word why.
  it.each([
    [
      "--allow-hosts",
      [],
      'mcp-http: host pattern "::1:8080" could be the IPv6 address ::1:8080 or ::1 with port 8080: write [::1]:8080 for that port, or ::1 for any port ([::1:8080] for the address)\n',
    ],
    [
      "--allowed-host",
      ["--transport", "http", "--port", "0"],
      `mcp-http: --allowed-host (MCP_ALLOWED_HOSTS): "::1:8080" could be the IPv6 address ::1:8080 or ::1 with port 8080: write ::1 (a Host's port is not compared), or [::1:8080] for the address\n`,
    ],
  ])("refuses %s ::1:8080, an IPv6 address with its port outside brackets, in one line", async (flag, args, line) => {
    const { code, stderr } = await run([bin, ...args, flag, "::1:8080"], {
      MCP_AUTH_TOKEN: "0123456789abcdef0123456789abcdef",
    });
    expect(code).toBe(2);
    expect(stderr).toBe(line);
  });

  it("logs one JSON object a line with --log-format json (MCP_LOG_FORMAT), start-up failures too", async () => {
    const served = await run([bin, "--log-format", "json"], { MCP_LOG_LEVEL: "debug" });
    expect(served.code).toBe(0);
    const lines = served.stderr
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(Object.keys(line)).toEqual(["time", "level", "logger", "message"]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "info",
        logger: "mcp-http",
        message: expect.stringMatching(/ ready on stdio$/),
      }),
    );
    const failed = await run([bin, "--transport", "http", "--port", "0", "--trust-proxy", "nginx"], {
      MCP_AUTH_TOKEN: "0123456789abcdef0123456789abcdef",
      MCP_LOG_FORMAT: "json",
    });
    expect(failed.code).toBe(2);
    expect(JSON.parse(failed.stderr)).toMatchObject({
      level: "error",
      logger: "mcp-http",
      message: expect.stringMatching(/^--trust-proxy \(MCP_TRUST_PROXY\): "nginx" is not/),
    });
    // A mistake found while the options are parsed is written in the format asked for too.
    const unknownFlag = await run([bin, "--log-format=json", "--tiemout-ms", "5"], {});
    expect(unknownFlag.code).toBe(2);
    expect(JSON.parse(unknownFlag.stderr)).toMatchObject({
      level: "error",
      message: expect.stringContaining("--tiemout-ms"),
    });
    // A format it does not know is said in text: the format to say it in is what is wrong.
    const unknown = await run([bin, "--log-format", "yaml"], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('mcp-http: --log-format (MCP_LOG_FORMAT) must be text or json, got "yaml"\n');
  });

  it("warns once, in its flags' terms, of allowed hosts the address policy never lets a call reach", async () => {
    const hosts = ["10.0.0.5", "localhost:3000", "[::1]:8080"].flatMap((host) => ["--allow-hosts", host]);
    const { code, stderr } = await run([bin, ...hosts], { MCP_LOG_LEVEL: "warn" });
    expect(code).toBe(0);
    expect(stderr).toBe(
      "[mcp-http] warn: --allow-hosts PATTERN (MCP_HTTP_ALLOW_HOSTS) lists hosts no call can reach under the current address policy (refused, and left out of url completion): localhost:3000, [::1]:8080 need --allow-loopback (MCP_HTTP_ALLOW_LOOPBACK=1); 10.0.0.5 needs --allow-private (MCP_HTTP_ALLOW_PRIVATE=1)\n",
    );
    const allowed = await run([bin, ...hosts, "--allow-private"], { MCP_LOG_LEVEL: "warn" });
    expect(allowed).toEqual({ code: 0, stderr: "" });
  });

  it("warns once, in its flags' terms, of an image limit over the read limit", async () => {
    const limits = ["--max-image-bytes", "4000000", "--max-response-bytes", "2000000"];
    const { code, stderr } = await run([bin, ...limits], { MCP_LOG_LEVEL: "warn" });
    expect(code).toBe(0);
    expect(stderr).toBe(
      "[mcp-http] warn: --max-image-bytes 4000000 (MCP_HTTP_MAX_IMAGE_BYTES) is over --max-response-bytes 2000000 (MCP_HTTP_MAX_RESPONSE_BYTES), the read limit: an image body of more than 2000000 bytes is cut there and summarised, not sent; raise the second to 4000000 or lower the first\n",
    );
    const agreed = await run([bin, "--max-image-bytes", "2000000", "--max-response-bytes", "2000000"], {
      MCP_LOG_LEVEL: "warn",
    });
    expect(agreed).toEqual({ code: 0, stderr: "" });
  });

  it("refuses a default length over the length limit, naming both flags", async () => {
    const { code, stderr } = await run([bin, "--max-length", "20000", "--max-length-limit", "5000"], {});
    expect(code).toBe(2);
    expect(stderr).toBe(
      "mcp-http: --max-length 20000 (MCP_HTTP_MAX_LENGTH) is over --max-length-limit 5000 (MCP_HTTP_MAX_LENGTH_LIMIT): lower the first or raise the second to 20000\n",
    );
  });

  it("refuses a body budget below one body, naming both flags; a larger response cap raises the default budget", async () => {
    const { code, stderr } = await run([bin, "--max-buffered-bytes", "1000"], {});
    expect(code).toBe(2);
    expect(stderr).toBe(
      "mcp-http: --max-buffered-bytes 1000 (MCP_HTTP_MAX_BUFFERED_BYTES) is under --max-response-bytes 1048576 (MCP_HTTP_MAX_RESPONSE_BYTES), the most one call reads: one call could never hold a whole body; raise the first to 1048576 or lower the second\n",
    );
    const raised = await run([bin, "--max-response-bytes", "50000000"], { MCP_LOG_LEVEL: "warn" });
    expect(raised).toEqual({ code: 0, stderr: "" });
  });

  it("starts with only a length limit, the default length following it down", async () => {
    const result = await getThroughBin([bin, "--max-length-limit", "5"], {});
    expect(text(result)).toContain("[showing characters 0-5 of 16; call http_request with start_index=5 for more");
  });

  it("serves Streamable HTTP on port 0 with a bearer token, and answers 401 without it", async () => {
    const child = spawn(process.execPath, [bin, "--transport", "http", "--port", "0"], {
      env: { PATH: process.env.PATH ?? "", MCP_AUTH_TOKEN: "test-token-123", MCP_HTTP_ALLOW_PRIVATE: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      const url = await servingUrl(child);
      const rpc = (token: string | undefined, body: unknown) =>
        fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        });
      const init = {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "smoke", version: "0" } },
      };
      expect((await rpc(undefined, init)).status).toBe(401);
      expect((await rpc("wrong", init)).status).toBe(401);
      const ok = await rpc("test-token-123", init);
      expect(ok.status).toBe(200);
      expect(((await answer(ok)) as { result: { serverInfo: { name: string } } }).result.serverInfo.name).toBe(
        "mcp-http",
      );
      // Two HTTP requests to the stateless endpoint share the server's one keep-alive pool.
      const before = upstream.connections;
      for (const id of [2, 3]) {
        const call = await rpc("test-token-123", {
          jsonrpc: "2.0",
          id,
          method: "tools/call",
          params: { name: "http_get", arguments: { url: `${upstream.origin}/via-http` } },
        });
        const result = ((await answer(call)) as { result: CallToolResult }).result;
        expect(text(result)).toContain('"ok": true');
      }
      expect(upstream.connections - before).toBe(1);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

/** The JSON-RPC answer of a response: its JSON body, or the last message of its event stream (2025-era HTTP). */
async function answer(response: Response): Promise<unknown> {
  const body = await response.text();
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) return JSON.parse(body);
  const data = body.split("\n").filter((line) => line.startsWith("data: "));
  return JSON.parse(data.at(-1)?.slice("data: ".length) ?? "null");
}

function servingUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no URL on stderr: ${seen}`)), 10_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /serving MCP over Streamable HTTP at (\S+)/.exec(seen);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${seen}`)));
  });
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}
