// What the gate's admit tells a caller whose valid token grants nothing, and a caller asking for a tool or resource
// outside its roles: OAuth tokens from a real identity provider (oidc-provider on 127.0.0.1) and named tokens, real
// SDK clients.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tokensFileAuthenticator } from "../src/auth.js";
import { parsePolicy } from "../src/auth-roles.js";
import { serveHttp } from "../src/http-server.js";
import { bearerPost } from "./bearer-post.js";
import { gateFixture, silent } from "./gate-endpoint.js";
import { libraryFactory } from "./library.js";

const { serve, oauth, tokenOf, connect, tempDir, closing } = gateFixture();

describe("a valid token that grants nothing", () => {
  it("is served empty lists, told why in the server's instructions, and the operator is warned once", async () => {
    const { url, warnings } = await serve(await oauth());
    const stranger = await tokenOf("stranger-app");
    const why =
      "This server offers you nothing: the token's scopes (files:read) grant no role here, so it is offered no tools, prompts or resources; a token with scope mcp:read or mcp:write or mcp:analyst would be.";
    for (const kind of ["modern", "v1@2025-11-25", "v2@2025-11-25"] as const) {
      const client = await connect(url, stranger, kind);
      expect((await client.listTools()).tools).toEqual([]);
      expect(client.getInstructions()).toBe(why);
    }
    const told = () => warnings.filter((line) => line.includes("is authenticated, but"));
    expect(told()).toEqual([
      "caller stranger-app is authenticated, but the token's scopes (files:read) grant no role here, so it is offered no tools, prompts or resources; a token with scope mcp:read or mcp:write or mcp:analyst would be (scopes and roles: --auth-policy)",
    ]);

    // A token that grants something hears nothing of it; neither does a caller with no token.
    const reader = await connect(url, await tokenOf("reader-app"));
    expect((await reader.listTools()).tools.map((t) => t.name)).toEqual(["read_notes"]);
    expect(reader.getInstructions()).toBeUndefined();
    const anonymous = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toMatch(/analyst|offers you nothing/);
    expect(told()).toHaveLength(1);
  });
});

describe("a call outside the caller's roles", () => {
  it("is logged for the operator with what was refused and why, as a 401 is", async () => {
    const { url, notes } = await serve(await oauth());
    const refused = await bearerPost(url, await tokenOf("reader-app"), {
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "add_note", arguments: { text: "x" } },
    });
    expect(refused.status).toBe(403);
    expect(notes.filter((line) => line.startsWith("refused"))).toEqual([
      "refused a request of reader-app from 127.0.0.1: HTTP 403: tool add_note is not in the caller's roles (reader); a token with scope mcp:write may use it",
    ]);
  });
});

describe("a resources/read outside the caller's roles", () => {
  it("is refused with 403 naming the resource and the roles that may read it, not answered 'not found'", async () => {
    const dir = tempDir();
    const file = path.join(dir, "tokens.json");
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    const tokens = [
      { name: "clerk", sha256: sha256("clerk-token-0123456789abcdef"), roles: ["clerk"] },
      { name: "ci", sha256: sha256("ci-token-0123456789abcdef"), roles: ["reader"] },
    ];
    writeFileSync(file, JSON.stringify({ tokens }));
    const policy = parsePolicy(JSON.stringify({ roles: { clerk: ["add_book", "catalogue"] }, scopes: {} }));
    const auth = await tokensFileAuthenticator(file, policy);
    const { factory } = libraryFactory(3);
    const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, auth, policy, logger: silent });
    closing(endpoint);
    const read = (token: string, uri: string) =>
      fetch(endpoint.url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2025-11-25",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 5, method: "resources/read", params: { uri } }),
      });
    // The clerk's own resource is read; the template's books, fixed or written otherwise, are refused by name.
    const clerk = await connect(endpoint.url, "clerk-token-0123456789abcdef");
    expect((await clerk.readResource({ uri: "library://catalogue" })).contents[0]).toMatchObject({ text: /book-000/ });
    for (const uri of ["library://book/book-001", "LIBRARY://book/book-001"]) {
      const refused = await read("clerk-token-0123456789abcdef", uri);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        id: 5,
        error: {
          message:
            "Forbidden: resource book is not in the caller's roles (clerk); a token with role reader or writer (in the tokens file) may use it; ask the server's operator for a token with such a role",
        },
      });
    }
    // A URI no resource answers to is left to the server, which says it is not found; a reader reads every book.
    expect((await read("clerk-token-0123456789abcdef", "library://nowhere")).status).toBe(200);
    const reader = await connect(endpoint.url, "ci-token-0123456789abcdef");
    expect((await reader.readResource({ uri: "library://book/book-001" })).contents[0]).toMatchObject({
      text: "text of book 1",
    });
  });
});
