// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the mcp.json syntax under test
import { UsageError } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { parseRemoteEntry, remoteTransport } from "../src/remote-spec.js";

describe("remoteTransport: the entry's type and URL scheme", () => {
  it.each([
    [undefined, "https://mcp.example.com/mcp", "streamable-http"],
    ["http", "http://127.0.0.1:3000/mcp", "streamable-http"],
    ["streamable-http", "https://x/mcp", "streamable-http"],
    ["sse", "https://x/sse", "sse"],
    [undefined, "ws://127.0.0.1:8000/ws", "websocket"],
    [undefined, "WSS://x/ws", "websocket"],
    ["ws", "wss://x/ws", "websocket"],
    ["websocket", "ws://x/", "websocket"],
  ])("type %j with %s → %s", (type, url, transport) => {
    expect(remoteTransport(type, url)).toEqual({ ok: true, transport });
  });

  it.each([
    ["sse", "wss://x/ws", /a wss:\/\/ url is a WebSocket server; type "sse" needs an http\(s\):\/\/ url/],
    ["ws", "https://x/mcp", /type "ws" needs a ws:\/\/ or wss:\/\/ url/],
    ["stdio", "https://x/mcp", /type "stdio" is not one of "http", "sse", "ws"/],
    [undefined, "ftp://x/", /url must start with http:\/\/, https:\/\/, ws:\/\/ or wss:\/\//],
    [undefined, "127.0.0.1:3000/mcp", /url must start with .*wss:\/\/: write "http:\/\/127\.0\.0\.1:3000\/mcp"$/],
    [undefined, "localhost:8080", /: write "http:\/\/localhost:8080"$/],
    [undefined, "mcp.example.com/mcp", /: write "https:\/\/mcp\.example\.com\/mcp"$/],
    [undefined, "ftp://x/", /wss:\/\/$/],
    [undefined, "mailto:me@x", /wss:\/\/$/],
    [undefined, "/mcp", /wss:\/\/$/],
  ])("type %j with %s is refused", (type, url, reason) => {
    const verdict = remoteTransport(type, url);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  });
});

describe("parseRemoteEntry", () => {
  const env = { ID: "client-1", SECRET: "s3" };
  const parse = (entry: Record<string, unknown>) => parseRemoteEntry("r", entry, env, "mcp.json: mcpServers.r");

  it("reads the transport, headers and OAuth client settings with ${VAR} expansion", () => {
    expect(
      parse({
        url: "https://x/mcp",
        oauth: { clientId: "${ID}", clientSecret: "${SECRET}", scope: "mcp:tools", callbackPort: 8765 },
      }),
    ).toEqual({
      kind: "http",
      name: "r",
      url: "https://x/mcp",
      headers: {},
      builtin: false,
      oauth: {
        clientId: "client-1",
        clientSecret: "s3",
        clientMetadataUrl: undefined,
        scope: "mcp:tools",
        callbackPort: 8765,
      },
    });
    expect(parse({ url: "ws://x/ws", headers: { "X-Key": "${ID}" } })).toMatchObject({
      transport: "websocket",
      headers: { "X-Key": "client-1" },
    });
  });

  it.each([
    [{ url: "https://x", headers: { A: 1 } }, /headers\.A must be a string/],
    [{ url: "https://x", oauth: "yes" }, /oauth must be an object/],
    [
      { url: "https://x", oauth: { clientID: "x" } },
      /oauth\.clientID is not a setting \(did you mean clientId\?\); use clientId, /,
    ],
    [
      { url: "https://x", oauth: { scpoe: "mcp:read" } },
      /oauth\.scpoe is not a setting \(did you mean scope\?\); use clientId, clientSecret, clientMetadataUrl, scope, callbackPort$/,
    ],
    [{ url: "https://x", oauth: { audience: "x" } }, /oauth\.audience is not a setting; use clientId, /],
    [
      { url: "https://x", oauth: { callbackPort: 70000 } },
      /callbackPort must be a whole number from 1 to 65535, got 70000/,
    ],
    [
      { url: "https://x", oauth: { callbackPort: 1.5 } },
      /callbackPort must be a whole number from 1 to 65535, got 1.5/,
    ],
    [
      { url: "https://x", oauth: { callbackPort: "8765" } },
      /callbackPort must be a whole number from 1 to 65535, got "8765"/,
    ],
    [{ url: "https://x", oauth: { clientMetadataUrl: "http://x/c.json" } }, /must be an https URL/],
    [{ url: "wss://x", oauth: {} }, /OAuth is for http\(s\) servers/],
    [{ url: "https://x", oauth: { clientId: "${NOPE}" } }, /oauth\.clientId: .*\$\{NOPE\} is not set/],
  ])("refuses %j in one line", (entry, message) => {
    expect(() => parse(entry)).toThrow(UsageError);
    expect(() => parse(entry)).toThrow(message);
  });
});
