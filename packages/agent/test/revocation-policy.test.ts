import { describe, expect, it } from "vitest";
import { planRevocation, revocationVerdict } from "../src/revocation-policy.js";

const tokens = { access_token: "AT", refresh_token: "RT" };
const publicClient = { client_id: "agent", token_endpoint_auth_method: "none" };

describe("planRevocation: where the tokens may go", () => {
  it.each([
    ["https://as.example/revoke", "revoke"],
    ["http://127.0.0.1:8080/revoke", "revoke"],
    ["http://[::1]:8080/revoke", "revoke"],
    ["http://localhost/revoke", "revoke"],
    ["http://as.localhost/revoke", "revoke"],
    ["http://as.example/revoke", "refused"],
    ["http://10.0.0.1/revoke", "refused"],
    ["http://192.168.1.1/revoke", "refused"],
    ["http://169.254.169.254/revoke", "refused"],
    ["http://127.0.0.1.nip.io/revoke", "refused"],
    ["ftp://as.example/revoke", "refused"],
    ["javascript:alert(1)", "refused"],
    ["not a url", "refused"],
    ["https://user:pass@as.example/revoke", "refused"],
    ["https://as.example/revoke#frag", "refused"],
    ["", "none"],
    [undefined, "none"],
    [42, "none"],
  ])("revocation_endpoint %j → %s", (endpoint, kind) => {
    const plan = planRevocation(tokens, publicClient, { revocation_endpoint: endpoint });
    expect(plan.kind).toBe(kind);
    if (plan.kind === "refused") expect(plan.reason).toContain("revocation endpoint");
  });

  it("revokes the refresh token first, then the access token, each with its hint", () => {
    const plan = planRevocation(tokens, publicClient, { revocation_endpoint: "https://as.example/revoke" });
    expect(plan.kind === "revoke" && plan.requests.map((r) => [r.hint, r.body.get("token")])).toEqual([
      ["refresh_token", "RT"],
      ["access_token", "AT"],
    ]);
    if (plan.kind === "revoke") {
      expect(plan.endpoint.href).toBe("https://as.example/revoke");
      for (const r of plan.requests) expect(r.body.get("token_type_hint")).toBe(r.hint);
    }
  });

  it("sends only the tokens it holds", () => {
    const plan = planRevocation({ access_token: "AT" }, publicClient, {
      revocation_endpoint: "https://as.example/revoke",
    });
    expect(plan.kind === "revoke" && plan.requests.map((r) => r.hint)).toEqual(["access_token"]);
  });

  const secret = { client_id: "agent", client_secret: "s3cret" };
  it.each([
    // [client, metadata auth methods, Authorization header, body client_id, body client_secret]
    [publicClient, {}, undefined, "agent", null],
    [{ ...secret, token_endpoint_auth_method: "client_secret_basic" }, {}, "Basic YWdlbnQ6czNjcmV0", null, null],
    [{ ...secret, token_endpoint_auth_method: "client_secret_post" }, {}, undefined, "agent", "s3cret"],
    // mcp.json's client (no registered method): what the server supports, basic first, as at the token endpoint.
    [secret, {}, "Basic YWdlbnQ6czNjcmV0", null, null],
    [secret, { token_endpoint_auth_methods_supported: ["client_secret_post"] }, undefined, "agent", "s3cret"],
    [
      secret,
      {
        token_endpoint_auth_methods_supported: ["client_secret_basic"],
        revocation_endpoint_auth_methods_supported: ["client_secret_post"],
      },
      undefined,
      "agent",
      "s3cret",
    ],
  ])("client %j with %j authenticates as the registration says", (client, methods, authorization, id, clientSecret) => {
    const plan = planRevocation(tokens, client, { revocation_endpoint: "https://as.example/revoke", ...methods });
    if (plan.kind !== "revoke") throw new Error(`expected requests, got ${plan.kind}`);
    for (const r of plan.requests) {
      expect(r.headers.authorization).toBe(authorization);
      expect(r.body.get("client_id")).toBe(id);
      expect(r.body.get("client_secret")).toBe(clientSecret);
      expect(r.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    }
  });
});

describe("revocationVerdict: what an answer means", () => {
  it.each([
    [200, undefined, undefined, { kind: "revoked" }],
    [204, undefined, undefined, { kind: "revoked" }],
    [400, "unsupported_token_type", "JWTs cannot be revoked", { kind: "unsupported" }],
    [
      400,
      "invalid_client",
      "client authentication failed",
      { kind: "failed", reason: "HTTP 400 (invalid_client: client authentication failed)" },
    ],
    [401, "invalid_client", undefined, { kind: "failed", reason: "HTTP 401 (invalid_client)" }],
    [503, undefined, undefined, { kind: "failed", reason: "HTTP 503" }],
    [307, undefined, undefined, { kind: "failed", reason: "HTTP 307" }],
    [503, "unsupported_token_type", undefined, { kind: "failed", reason: "HTTP 503 (unsupported_token_type)" }],
  ])("HTTP %i %s → %j", (status, error, description, verdict) => {
    expect(revocationVerdict(status, error, description)).toEqual(verdict);
  });
});
