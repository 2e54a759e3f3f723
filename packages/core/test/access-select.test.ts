import { describe, expect, it } from "vitest";
import { ACCESS_OPTIONS } from "../src/access-options.js";
import { selectAccess } from "../src/access-select.js";
import { parseCli } from "../src/cli-options.js";

const spec = { name: "srv", summary: "test", options: ACCESS_OPTIONS };
const choose = (argv: string[], env: Record<string, string> = {}) =>
  selectAccess(parseCli(spec, argv, env).values, env);

describe("selectAccess", () => {
  it("uses the one shared token by default", () => {
    expect(choose([], { MCP_AUTH_TOKEN: " s3cret " })).toEqual({ auth: { mode: "token", token: "s3cret" } });
  });

  it("picks the mode whose setting is given, or the one --auth names", () => {
    expect(choose(["--tokens-file", "tokens.json"])).toEqual({ auth: { mode: "tokens", file: "tokens.json" } });
    expect(choose([], { MCP_AUTH_TOKENS_FILE: "t.json", MCP_AUTH: "TOKENS" }).auth).toEqual({
      mode: "tokens",
      file: "t.json",
    });
    expect(
      choose(["--issuer", "https://id.example.com/realms/team", "--resource", "https://mcp.example.com/mcp"]).auth,
    ).toEqual({
      mode: "oauth",
      issuer: "https://id.example.com/realms/team",
      resource: "https://mcp.example.com/mcp",
    });
    // An explicit --auth tokens|oauth settles a shared token left exported from an earlier step.
    expect(choose(["--auth", "tokens", "--tokens-file", "t.json"], { MCP_AUTH_TOKEN: "t" }).auth).toEqual({
      mode: "tokens",
      file: "t.json",
    });
  });

  it("takes an audience for providers that cannot use the resource URL", () => {
    expect(
      choose(["--issuer", "https://login.example.com/t/v2.0", "--resource", "https://mcp.example.com/mcp"], {
        MCP_OAUTH_AUDIENCE: " 3f2a7c1e-0000-4000-8000-000000000000 ",
      }).auth,
    ).toMatchObject({ mode: "oauth", audience: "3f2a7c1e-0000-4000-8000-000000000000" });
  });

  it("takes untyped JWTs as access tokens only when told to", () => {
    const oauth = ["--issuer", "https://id.example.com/realms/team", "--resource", "https://mcp.example.com/mcp"];
    expect(choose(oauth).auth).not.toHaveProperty("allowUntypedJwt");
    expect(choose([...oauth, "--allow-untyped-jwt"]).auth).toMatchObject({ mode: "oauth", allowUntypedJwt: true });
    expect(choose(oauth, { MCP_OAUTH_ALLOW_UNTYPED_JWT: "1" }).auth).toMatchObject({ allowUntypedJwt: true });
    expect(choose(oauth, { MCP_OAUTH_ALLOW_UNTYPED_JWT: "0" }).auth).not.toHaveProperty("allowUntypedJwt");
  });

  it("takes introspection with client credentials from the environment only", () => {
    const env = {
      MCP_OAUTH_ISSUER: "http://127.0.0.1:9000",
      MCP_OAUTH_RESOURCE: "http://127.0.0.1:3000/mcp",
      MCP_OAUTH_INTROSPECTION_URL: "http://127.0.0.1:9000/token/introspection",
      MCP_OAUTH_CLIENT_ID: "mcp",
      MCP_OAUTH_CLIENT_SECRET: "pw",
    };
    expect(choose(["--auth", "oauth"], env).auth).toEqual({
      mode: "oauth",
      issuer: "http://127.0.0.1:9000",
      resource: "http://127.0.0.1:3000/mcp",
      introspection: { url: "http://127.0.0.1:9000/token/introspection", clientId: "mcp", clientSecret: "pw" },
    });
  });

  it("reads the policy file's path, the rate and the concurrency", () => {
    expect(
      choose(["--auth-policy", "policy.json", "--caller-rate-limit", "120/min", "--max-concurrent-per-caller", "4"], {
        MCP_AUTH_TOKEN: "t",
      }),
    ).toEqual({
      auth: { mode: "token", token: "t" },
      policyFile: "policy.json",
      // No burst= given: 10, enough for a client to connect, list and call (a second's worth would be 2).
      rate: { perSecond: 2, burst: 10 },
      maxConcurrent: 4,
      limitNames: { rate: "--caller-rate-limit", maxConcurrent: "--max-concurrent-per-caller" },
    });
    expect(choose([], { MCP_AUTH_TOKEN: "t", MCP_RATE_LIMIT: "5/s,burst=20" }).rate).toEqual({
      perSecond: 5,
      burst: 20,
    });
    expect(choose([], { MCP_AUTH_TOKEN: "t", MCP_RATE_LIMIT: "50/s" }).rate).toEqual({ perSecond: 50, burst: 50 });
    expect(choose([], { MCP_AUTH_TOKEN: "t", MCP_RATE_LIMIT: "120/min,burst=2" }).rate).toEqual({
      perSecond: 2,
      burst: 2,
    });
  });

  it.each([
    ["the flag", ["--caller-rate-limit", "5/s"], {}, { rate: "--caller-rate-limit" }],
    ["the variable", [], { MCP_RATE_LIMIT: "5/s" }, { rate: "MCP_RATE_LIMIT" }],
    [
      "the flag over the variable",
      ["--caller-rate-limit", "9/s"],
      { MCP_RATE_LIMIT: "5/s" },
      { rate: "--caller-rate-limit" },
    ],
    [
      "each limit by its own source",
      ["--max-concurrent-per-caller", "3"],
      { MCP_RATE_LIMIT: "5/s" },
      { rate: "MCP_RATE_LIMIT", maxConcurrent: "--max-concurrent-per-caller" },
    ],
    [
      "the variable, for concurrency",
      [],
      { MCP_MAX_CONCURRENT_PER_CALLER: "3" },
      { maxConcurrent: "MCP_MAX_CONCURRENT_PER_CALLER" },
    ],
    [
      "the variable, for open streams",
      [],
      { MCP_MAX_STREAMS_PER_CALLER: "3" },
      { maxStreams: "MCP_MAX_STREAMS_PER_CALLER" },
    ],
    ["nothing when no limit is set", [], {}, undefined],
  ])("names the setting in force in refusals: %s", (_, argv, env, names) => {
    expect(choose(argv, { MCP_AUTH_TOKEN: "t", ...env }).limitNames).toEqual(names);
  });

  it.each([
    [[], {}, /needs a bearer token: set MCP_AUTH_TOKEN/],
    [["--auth", "oauth"], {}, /--auth oauth needs --issuer \(MCP_OAUTH_ISSUER\)/],
    [["--issuer", "https://id.example.com"], {}, /--auth oauth needs --resource \(MCP_OAUTH_RESOURCE\)/],
    [["--auth", "tokens"], {}, /--auth tokens needs --tokens-file/],
    [["--auth", "basic"], {}, /--auth must be token, tokens or oauth, got "basic"/],
    [["--tokens-file", "t.json", "--issuer", "https://id.example.com"], {}, /both .* are set: choose one with --auth/],
    // The README's own flow exports MCP_AUTH_TOKEN first: with a tokens file too, neither may silently win.
    [
      ["--tokens-file", "t.json"],
      { MCP_AUTH_TOKEN: "t" },
      /^both MCP_AUTH_TOKEN and --tokens-file are set: choose one with --auth token\|tokens\|oauth \(or unset MCP_AUTH_TOKEN\)$/,
    ],
    [
      ["--issuer", "https://id.example.com", "--resource", "https://mcp.example.com/mcp"],
      { MCP_AUTH_TOKEN: "t" },
      /both MCP_AUTH_TOKEN and --issuer are set: choose one with --auth/,
    ],
    [
      ["--auth", "token"],
      { MCP_AUTH_TOKEN: "t", MCP_AUTH_TOKENS_FILE: "x.json" },
      /^--auth token does not use --tokens-file: remove it, or choose another --auth$/,
    ],
    // OAuth settings without --issuer: a shared token left exported, or the tokens file, would silently be used.
    [
      ["--resource", "https://mcp.example.com/mcp", "--introspection-url", "https://id.example.com/introspect"],
      { MCP_AUTH_TOKEN: "t" },
      /^--resource \(MCP_OAUTH_RESOURCE\) and --introspection-url \(MCP_OAUTH_INTROSPECTION_URL\) are for --auth oauth, which needs --issuer \(MCP_OAUTH_ISSUER\): add it, or remove them$/,
    ],
    [
      ["--tokens-file", "t.json"],
      { MCP_OAUTH_AUDIENCE: "api://mcp" },
      /^--audience \(MCP_OAUTH_AUDIENCE\) is for --auth oauth, which needs --issuer \(MCP_OAUTH_ISSUER\): add it, or remove it$/,
    ],
    [["--resource", "https://mcp.example.com/mcp"], {}, /^--resource \(MCP_OAUTH_RESOURCE\) is for --auth oauth/],
    [
      ["--allow-untyped-jwt"],
      { MCP_AUTH_TOKEN: "t" },
      /^--allow-untyped-jwt \(MCP_OAUTH_ALLOW_UNTYPED_JWT\) is for --auth oauth, which needs --issuer/,
    ],
    [
      ["--auth", "tokens", "--tokens-file", "t.json"],
      { MCP_OAUTH_ALLOW_UNTYPED_JWT: "true" },
      /^--auth tokens does not use --allow-untyped-jwt \(MCP_OAUTH_ALLOW_UNTYPED_JWT\)/,
    ],
    [
      ["--auth", "token", "--resource", "https://mcp.example.com/mcp"],
      { MCP_AUTH_TOKEN: "t" },
      /^--auth token does not use --resource \(MCP_OAUTH_RESOURCE\): remove it, or choose another --auth$/,
    ],
    [
      ["--auth", "oauth", "--tokens-file", "t.json", "--issuer", "https://id.example.com"],
      {},
      /--auth oauth does not use --tokens-file/,
    ],
    [
      ["--issuer", "http://id.example.com", "--resource", "https://mcp.example.com/mcp"],
      {},
      /--issuer \(MCP_OAUTH_ISSUER\) must use https \(http only on a loopback address\)/,
    ],
    [
      ["--issuer", "https://id.example.com", "--resource", "mcp.example.com"],
      {},
      /--resource \(MCP_OAUTH_RESOURCE\) must be an absolute URL/,
    ],
    [
      [
        "--issuer",
        "https://id.example.com",
        "--resource",
        "https://mcp.example.com/mcp",
        "--introspection-url",
        "https://id.example.com/introspect",
      ],
      { MCP_OAUTH_CLIENT_ID: "mcp" },
      /set MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET/,
    ],
    [
      ["--caller-rate-limit", "lots"],
      { MCP_AUTH_TOKEN: "t" },
      /--caller-rate-limit \(MCP_RATE_LIMIT\): rate limit "lots"/,
    ],
    [
      ["--max-concurrent-per-caller", "0"],
      { MCP_AUTH_TOKEN: "t" },
      /--max-concurrent-per-caller \(MCP_MAX_CONCURRENT_PER_CALLER\) must be a whole number ≥ 1/,
    ],
    [
      ["--max-streams-per-caller", "0"],
      { MCP_AUTH_TOKEN: "t" },
      /--max-streams-per-caller \(MCP_MAX_STREAMS_PER_CALLER\) must be a whole number ≥ 1/,
    ],
  ])("refuses %j %j with one clear line", (argv, env, message) => {
    expect(() => choose(argv, env as Record<string, string>)).toThrow(message);
  });
});
