import { describe, expect, it } from "vitest";
import { parseCli } from "../src/cli-options.js";
import { SERVER_OPTIONS } from "../src/server-flags.js";
import { selectLogLevel, selectTransport } from "../src/server-options.js";

const spec = { name: "srv", summary: "test", options: SERVER_OPTIONS };
const choose = (argv: string[], env: Record<string, string> = {}) =>
  selectTransport(parseCli(spec, argv, env).values, env);

describe("selectTransport", () => {
  it("defaults to stdio", () => {
    expect(choose([])).toEqual({ kind: "stdio" });
  });

  it("serves HTTP on 127.0.0.1:3000, stateless, when asked and given a token", () => {
    expect(choose(["--transport", "http"], { MCP_AUTH_TOKEN: "s3cret" })).toEqual({
      kind: "http",
      host: "127.0.0.1",
      port: 3000,
      access: { auth: { mode: "token", token: "s3cret" } },
      allowedHosts: [],
      allowedOrigins: [],
      trustProxy: [],
      stateful: false,
      sessions: { idleMs: 1_800_000, maxSessions: 100, maxSessionsPerCaller: 10 },
    });
  });

  it("takes trusted proxies from --trust-proxy or MCP_TRUST_PROXY (comma-separated), checked when HTTP starts", () => {
    expect(
      choose(["--transport", "http", "--trust-proxy", "loopback", "--trust-proxy", "10.0.0.0/8"], {
        MCP_AUTH_TOKEN: "t",
      }),
    ).toMatchObject({ trustProxy: ["loopback", "10.0.0.0/8"] });
    expect(choose(["--transport", "http"], { MCP_AUTH_TOKEN: "t", MCP_TRUST_PROXY: "127.0.0.1,::1" })).toMatchObject({
      trustProxy: ["127.0.0.1", "::1"],
    });
  });

  it("takes --tls-cert and --tls-key together, or neither", () => {
    expect(
      choose(["--transport", "http", "--tls-cert", "/etc/mcp/cert.pem"], {
        MCP_AUTH_TOKEN: "t",
        MCP_TLS_KEY: "/etc/mcp/key.pem",
      }),
    ).toMatchObject({ tls: { certFile: "/etc/mcp/cert.pem", keyFile: "/etc/mcp/key.pem" } });
    expect(choose(["--transport", "http"], { MCP_AUTH_TOKEN: "t" })).not.toHaveProperty("tls");
    expect(() => choose(["--transport", "http", "--tls-key", "/k.pem"], { MCP_AUTH_TOKEN: "t" })).toThrow(
      "--tls-key needs --tls-cert (MCP_TLS_CERT) too: HTTPS takes a certificate and its private key",
    );
  });

  it("takes host, port and stateful from flags or env", () => {
    expect(
      choose(["--transport", "HTTP", "--host", "::1", "--port", "0", "--stateful"], { MCP_AUTH_TOKEN: "t" }),
    ).toMatchObject({
      host: "::1",
      port: 0,
      stateful: true,
    });
    expect(choose([], { MCP_TRANSPORT: "http", MCP_PORT: "8080", MCP_AUTH_TOKEN: "t" })).toMatchObject({
      kind: "http",
      port: 8080,
    });
  });

  it("lets metrics and MCP both take a free port (0), which are never the same", () => {
    expect(
      choose(["--transport", "http", "--port", "0", "--metrics-port", "0"], { MCP_AUTH_TOKEN: "t" }),
    ).toMatchObject({ port: 0, metrics: { port: 0, onMcpPort: false } });
  });

  it.each([
    [[], { MCP_HOST: "" }],
    [[], { MCP_HOST: "  " }],
    [["--host", ""], {}],
  ])("listens on loopback, not every interface, for a blank host (%j %j)", (argv, env) => {
    expect(choose(["--transport", "http", ...argv], { MCP_AUTH_TOKEN: "t", ...env })).toMatchObject({
      host: "127.0.0.1",
    });
  });

  it("takes allowed hosts and origins (repeatable, or comma lists) and session limits", () => {
    expect(
      choose(
        ["--transport", "http", "--allowed-origin", "https://a.example", "--allowed-origin", "https://b.example"],
        {
          MCP_AUTH_TOKEN: "t",
          MCP_ALLOWED_HOSTS: "mcp.internal, mcp.example.com",
          MCP_MAX_SESSIONS: "5",
          MCP_MAX_SESSIONS_PER_CALLER: "2",
        },
      ),
    ).toMatchObject({
      allowedHosts: ["mcp.internal", "mcp.example.com"],
      allowedOrigins: ["https://a.example", "https://b.example"],
      sessions: { idleMs: 1_800_000, maxSessions: 5, maxSessionsPerCaller: 2 },
    });
    expect(choose(["--transport", "http", "--session-idle-ms", "60000"], { MCP_AUTH_TOKEN: "t" })).toMatchObject({
      sessions: { idleMs: 60_000 },
    });
  });

  it.each([
    [
      ["--transport", "http", "--max-sessions", "0"],
      { MCP_AUTH_TOKEN: "t" },
      '--max-sessions (MCP_MAX_SESSIONS) must be a whole number ≥ 1, got "0"',
    ],
    [
      ["--transport", "http", "--max-sessions-per-caller", "0"],
      { MCP_AUTH_TOKEN: "t" },
      '--max-sessions-per-caller (MCP_MAX_SESSIONS_PER_CALLER) must be a whole number ≥ 1, got "0"',
    ],
    [["--transport", "http"], {}, /needs a bearer token: set MCP_AUTH_TOKEN/],
    [["--transport", "http"], { MCP_AUTH_TOKEN: "  " }, /needs a bearer token/],
    [["--transport", "sse"], {}, /--transport \(MCP_TRANSPORT\) must be stdio or http, got "sse"/],
    [["--transport", "http", "--port", "70000"], { MCP_AUTH_TOKEN: "t" }, /--port \(MCP_PORT\) .* from 0 to 65535/],
    [["--transport", "http", "--port", "abc"], { MCP_AUTH_TOKEN: "t" }, /--port \(MCP_PORT\) must be a whole number/],
    [
      ["--transport", "http", "--metrics-port", "3000"],
      { MCP_AUTH_TOKEN: "t" },
      /--metrics-port \(MCP_METRICS_PORT\) 3000 is also the MCP port \(--port\); give metrics a port of their own/,
    ],
  ])("refuses %j with one clear line", (argv, env, message) => {
    expect(() => choose(argv, env as Record<string, string>)).toThrow(message);
  });
});

describe("selectLogLevel", () => {
  it("accepts known levels in any case and refuses others", () => {
    expect(selectLogLevel("DEBUG")).toBe("debug");
    expect(() => selectLogLevel("loud")).toThrow(/--log-level \(MCP_LOG_LEVEL\) must be/);
  });
});
