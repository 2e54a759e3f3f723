import { describe, expect, it } from "vitest";
import { describeCommand, exitWithStderr, startFailureLine } from "../src/server-errors.js";
import { StartupTimeout } from "../src/server-handshake.js";
import type { ServerSpec } from "../src/servers-file.js";

const stdio: ServerSpec = {
  kind: "stdio",
  name: "notes",
  command: "npx",
  args: ["-y", "my server"],
  env: {},
  builtin: false,
};
const http: ServerSpec = {
  kind: "http",
  name: "remote",
  url: "https://mcp.example.com/mcp",
  headers: {},
  builtin: false,
};

/** The SDK's error for a POST answered with a web page: the whole page in its message, status and body in `data`. */
function htmlAnswer(status: number, statusText: string, said: string): Error {
  const text = `<!DOCTYPE html>\n<html lang="en">\n<head>\n<title>Error</title>\n<style>p{}</style>\n</head>\n<body>\n<pre>${said}</pre>\n</body>\n</html>\n`;
  return Object.assign(new Error(`Error POSTing to endpoint: ${text}`), { data: { status, statusText, text } });
}

describe("start-up failure lines", () => {
  it.each([
    [
      stdio,
      new Error("Connection closed"),
      "exited with code 1",
      ["a", "b", "c", "Error: ENOENT notes.db"],
      'server "notes" failed to start (npx -y "my server"): exited with code 1 — stderr: b | c | Error: ENOENT notes.db',
    ],
    [
      stdio,
      new Error("Connection closed"),
      "exited with code 1",
      [
        "node:internal/modules/cjs/loader:1228",
        "  throw err;",
        "  ^",
        "Error: Cannot find module '/packages/filesystem/dist/cli.cjs'",
        "    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)",
        "    at node:internal/main/run_main_module:28:49 {",
        "  code: 'MODULE_NOT_FOUND',",
        "  requireStack: []",
        "}",
        "Node.js v20.20.2",
      ],
      `server "notes" failed to start (npx -y "my server"): exited with code 1 — stderr: Error: Cannot find module '/packages/filesystem/dist/cli.cjs'`,
    ],
    [
      stdio,
      new StartupTimeout(20000),
      undefined,
      [],
      'server "notes" failed to start (npx -y "my server"): no answer within 20000 ms (--startup-timeout; raise it for a server that is slow to start)',
    ],
    [
      stdio,
      new Error("spawn npx ENOENT"),
      "command not found",
      [],
      'server "notes" failed to start (npx -y "my server"): command not found (spawn npx ENOENT)',
    ],
    [
      http,
      new Error("fetch failed"),
      undefined,
      [],
      'server "remote" failed to start (https://mcp.example.com/mcp): fetch failed',
    ],
    [
      http,
      htmlAnswer(404, "Not Found", "Cannot POST /sse"),
      undefined,
      [],
      'server "remote" failed to start (https://mcp.example.com/mcp): the server answered HTTP 404 (Not Found): Error Cannot POST /sse — if it is an older HTTP+SSE server (its URL often ends in /sse), add "type": "sse" to its entry',
    ],
    [
      http,
      htmlAnswer(502, "Bad Gateway", "upstream down"),
      undefined,
      [],
      'server "remote" failed to start (https://mcp.example.com/mcp): the server answered HTTP 502 (Bad Gateway): Error upstream down',
    ],
    [
      { ...http, transport: "sse" as const },
      htmlAnswer(405, "", "no"),
      undefined,
      [],
      'server "remote" failed to start (https://mcp.example.com/mcp): the server answered HTTP 405: Error no',
    ],
    [
      { ...http, transport: "sse" as const },
      Object.assign(new Error("SSE error: Non-200 status code (405)"), { code: 405 }),
      undefined,
      [],
      'server "remote" failed to start (https://mcp.example.com/mcp): SSE error: Non-200 status code (405) — if it is a Streamable HTTP server (the current transport; its URL often ends in /mcp), remove "type": "sse" from its entry',
    ],
    [
      { ...http, transport: "sse" as const },
      Object.assign(new Error("SSE error: Non-200 status code (503)"), { code: 503 }),
      undefined,
      [],
      'server "remote" failed to start (https://mcp.example.com/mcp): SSE error: Non-200 status code (503)',
    ],
  ])("%#", (spec, error, exit, tail, expected) => {
    expect(startFailureLine(spec, error, exit, tail)).toBe(expected);
  });

  it("redacts secrets in the command, URL, error and stderr: the line reaches the model", () => {
    const leaky: ServerSpec = {
      ...stdio,
      args: ["--api-key", "plainvalue123", "--token=tok456789", "--db", "postgres://me:pw123456@db/x", "--verbose"],
    };
    const line = startFailureLine(leaky, new Error("auth failed for Bearer abcdefghijk"), "exited with code 1", [
      "using password=hunter22",
    ]);
    for (const secret of ["plainvalue123", "tok456789", "pw123456", "abcdefghijk", "hunter22"]) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain("npx --api-key [redacted] --token=[redacted] --db postgres://[redacted]@db/x --verbose");
    const remote: ServerSpec = { ...http, url: "https://mcp.example.com/mcp?apiKey=k3y999" };
    expect(describeCommand(remote)).toBe("https://mcp.example.com/mcp?apiKey=[redacted]");
  });

  it("quotes arguments with spaces", () => {
    expect(describeCommand(stdio)).toBe('npx -y "my server"');
  });
});

describe("exitWithStderr: a crash of Node itself", () => {
  const frames = (n: number) =>
    Array.from({ length: n }, (_, i) => `${String(i + 1).padStart(2)}: 0x10c78d6 v8::internal::Frame${i}() [node]`);
  it.each([
    [
      "out of memory",
      [
        "<--- JS stacktrace --->",
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
        "----- Native stack trace -----",
        ...frames(10),
      ],
      "killed by SIGABRT — stderr: FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
    ],
    [
      "a failed assertion",
      [
        "  #  node[21306]: node::Watchdog::Watchdog(v8::Isolate*, uint64_t, bool*) at ../src/node_watchdog.cc:48",
        '  #  Assertion failed: "Unreachable code reached" ": " "Failed to initialize uv loop."',
        "----- Native stack trace -----",
        ...frames(8),
      ],
      'killed by SIGABRT — stderr: #  Assertion failed: "Unreachable code reached" ": " "Failed to initialize uv loop."',
    ],
  ])("names %s, not the last native stack frames", (_, tail, expected) => {
    expect(exitWithStderr("killed by SIGABRT", tail)).toBe(expected);
  });
});
