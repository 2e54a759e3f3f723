import { describe, expect, it } from "vitest";
import { causes, describeCommand, describeFailure, isUnreachable, startFailureLine } from "../src/server-errors.js";
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
    expect(line).toContain("npx --api-key [redacted] --token=[redacted] --db postgres://me:[redacted]@db/x --verbose");
    const remote: ServerSpec = { ...http, url: "https://mcp.example.com/mcp?apiKey=k3y999" };
    expect(describeCommand(remote)).toBe("https://mcp.example.com/mcp?apiKey=[redacted]");
  });

  it("quotes arguments with spaces", () => {
    expect(describeCommand(stdio)).toBe('npx -y "my server"');
  });
});

/** An Error with a code and a cause, as Node and undici make them. */
function failure(text: string, code?: string, cause?: unknown): Error {
  return Object.assign(new Error(text, cause === undefined ? undefined : { cause }), code ? { code } : {});
}

describe("describeFailure", () => {
  const refused = Object.assign(new AggregateError([failure("connect ECONNREFUSED ::1:4000", "ECONNREFUSED")], ""), {
    code: "ECONNREFUSED",
  });
  const trustHint = " — if the certificate is the right one, trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem>";
  it.each<[string, unknown, string]>([
    ["a plain error", new Error("boom"), "boom"],
    ["a thrown string", "boom", "boom"],
    [
      "fetch failed over an untrusted certificate",
      failure("fetch failed", undefined, failure("self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT")),
      `fetch failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)${trustHint}`,
    ],
    [
      "a private CA's certificate",
      failure(
        "fetch failed",
        undefined,
        failure("unable to get local issuer certificate", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"),
      ),
      `fetch failed: unable to get local issuer certificate (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)${trustHint}`,
    ],
    [
      "a certificate for another name: no CA would help",
      failure(
        "fetch failed",
        undefined,
        failure("Hostname/IP does not match certificate's altnames", "ERR_TLS_CERT_ALTNAME_INVALID"),
      ),
      "fetch failed: Hostname/IP does not match certificate's altnames (ERR_TLS_CERT_ALTNAME_INVALID)",
    ],
    [
      "a refusal on every address (AggregateError, empty message)",
      failure("fetch failed", undefined, refused),
      "fetch failed: connect ECONNREFUSED ::1:4000",
    ],
    [
      "the first error's own code left to its library",
      failure(
        "Version negotiation probe failed: fetch failed",
        "ERA_NEGOTIATION_FAILED",
        failure("fetch failed", undefined, failure("getaddrinfo ENOTFOUND nope.example", "ENOTFOUND")),
      ),
      "Version negotiation probe failed: fetch failed: getaddrinfo ENOTFOUND nope.example",
    ],
    [
      "the SDK's probe answered with an HTTP error the server explained: the status, not a version mismatch",
      Object.assign(failure("Version negotiation failed: the server answered the probe with HTTP 503", "ERA"), {
        data: { text: JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32000, message: "issuer down" } }) },
      }),
      'the server answered its first request with HTTP 503, saying "issuer down"',
    ],
    [
      "a code already in its message",
      failure("top", undefined, failure("connect ETIMEDOUT 10.0.0.1:443", "ETIMEDOUT")),
      "top: connect ETIMEDOUT 10.0.0.1:443",
    ],
  ])("describes %s", (_, error, expected) => {
    expect(describeFailure(error)).toBe(expected);
  });

  it("stops on a cause that loops", () => {
    const a = failure("a");
    const b = failure("b", undefined, a);
    Object.assign(a, { cause: b });
    expect(describeFailure(a)).toBe("a: b");
  });
});

describe("causes", () => {
  it("walks an Error's cause, else an AggregateError's first error, and ends at a value that is not an Error", () => {
    const refused = new Error("refused");
    const all = new AggregateError([refused, new Error("second address")], "connect failed");
    const top = new TypeError("fetch failed", { cause: all });
    expect([...causes(top)]).toEqual([top, all, refused]);
    const odd = new Error("odd", { cause: { code: "X", cause: new Error("never reached") } });
    expect([...causes(odd)]).toEqual([odd, { code: "X", cause: expect.any(Error) }]);
    expect([...causes(undefined)]).toEqual([]);
  });

  it("stops after six, on a chain that loops", () => {
    const a = new Error("a");
    Object.assign(a, { cause: new Error("b", { cause: a }) });
    expect([...causes(a)].map((e) => (e as Error).message)).toEqual(["a", "b", "a", "b", "a", "b"]);
  });
});

describe("isUnreachable", () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
    code: "ECONNREFUSED",
    syscall: "connect",
  });
  it.each([
    ["fetch failed, refused underneath", new TypeError("fetch failed", { cause: refused }), true],
    [
      "fetch failed, socket closed underneath",
      new TypeError("fetch failed", { cause: new Error("other side closed") }),
      true,
    ],
    ["a system error wrapped", new Error("send failed", { cause: refused }), true],
    ["a JSON-RPC error from the server", Object.assign(new Error("unknown tool x"), { code: -32602 }), false],
    ["another TypeError", new TypeError("x is not a function"), false],
    ["not an error", "fetch failed", false],
  ])("%s → %s", (_name, error, expected) => {
    expect(isUnreachable(error)).toBe(expected);
  });
});
