// The start-up introspection of a made-up token, against a real provider (oidc-provider on 127.0.0.1): what it
// answers says whether the server's credentials and --introspection-url are right, or only that it cannot answer now.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IntrospectionRefused, IntrospectionUnavailable, probeIntrospection } from "../src/introspection-probe.js";
import { type IdentityProvider, startIdentityProvider } from "./identity-provider.js";

let idp: IdentityProvider;
let stub: { url: string; status: number; close(): Promise<void> };

beforeAll(async () => {
  idp = await startIdentityProvider({
    scopes: ["mcp:read"],
    clients: [{ id: "mcp-server", secret: "introspection-secret", scope: "mcp:read" }],
  });
  // An endpoint that answers whatever status the test sets, as a busy or failing one would.
  const state = { status: 503 };
  const server = createServer((_req, res) => res.writeHead(state.status).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stub = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`,
    get status() {
      return state.status;
    },
    set status(value: number) {
      state.status = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
afterAll(async () => {
  await idp.close();
  await stub.close();
});

const probe = (url: string, clientSecret = "introspection-secret") =>
  probeIntrospection(
    {
      issuer: idp.issuer,
      resource: "https://mcp.example.test/mcp",
      introspection: { url, clientId: "mcp-server", clientSecret },
    },
    `${idp.issuer}/token/introspection`,
  );

describe("probeIntrospection", () => {
  it("passes when the endpoint takes the server's credentials", async () => {
    await expect(probe(`${idp.issuer}/token/introspection`)).resolves.toBeUndefined();
  });

  it("refuses credentials the endpoint refuses", async () => {
    const failure = await probe(`${idp.issuer}/token/introspection`, "wrong").catch((e: Error) => e);
    expect(failure).toBeInstanceOf(IntrospectionRefused);
    expect((failure as Error).message).toContain("check MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET");
  });

  it.each([
    ["the token endpoint, which answers 400", "/token", 400],
    ["a path the provider does not serve", "/introspect", 404],
  ])(
    "refuses a URL that is not an introspection endpoint: %s, naming the one the issuer publishes",
    async (_, path, status) => {
      const failure = await probe(`${idp.issuer}${path}`).catch((e: Error) => e);
      expect(failure).toBeInstanceOf(IntrospectionRefused);
      expect((failure as Error).message).toBe(
        `${idp.issuer}${path} answered HTTP ${status} to an introspection request; check --introspection-url (${idp.issuer} publishes ${idp.issuer}/token/introspection)`,
      );
    },
  );

  it("only pauses on an endpoint that never answers, saying how long it waited", async () => {
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`;
    try {
      const failure = await probeIntrospection({
        issuer: idp.issuer,
        resource: "https://mcp.example.test/mcp",
        introspection: { url, clientId: "mcp-server", clientSecret: "introspection-secret" },
        timeoutMs: 100,
      }).catch((e: Error) => e);
      expect(failure).toBeInstanceOf(IntrospectionUnavailable);
      expect((failure as Error).message).toBe(`cannot reach the introspection endpoint ${url}: no answer in 0.1 s`);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it.each([429, 500, 503])("only pauses on HTTP %i: the endpoint may answer later", async (status) => {
    stub.status = status;
    const failure = await probe(stub.url).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(IntrospectionUnavailable);
    expect((failure as Error).message).toBe(`the introspection endpoint ${stub.url} answered HTTP ${status}`);
  });
});
