import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { discoverIssuer, requestFailure } from "../src/auth-oauth-issuer.js";

const fetchFailed = (cause: unknown) => Object.assign(new TypeError("fetch failed"), { cause });
const timeout = Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" });

describe("requestFailure", () => {
  it.each<[string, unknown, string]>([
    ["a timeout", timeout, "no answer in 5 s"],
    [
      "a refused connection",
      fetchFailed(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8443"), { code: "ECONNREFUSED" })),
      "fetch failed: connect ECONNREFUSED 127.0.0.1:8443",
    ],
    [
      "a dual-stack connect's AggregateError",
      fetchFailed(new AggregateError([new Error("connect ECONNREFUSED ::1:8443")], "")),
      "fetch failed: connect ECONNREFUSED ::1:8443",
    ],
    ["fetch's refusal of a port", fetchFailed(new Error("bad port")), "fetch failed: bad port"],
    ["no cause", new TypeError("fetch failed"), "fetch failed"],
    ["another error", new Error("Unexpected token < in JSON"), "Unexpected token < in JSON"],
  ])("says why for %s", (_, error, said) => {
    expect(requestFailure(error)).toBe(said);
  });
});

describe("discoverIssuer", () => {
  it("names why each metadata URL could not be fetched from an issuer that is not listening", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const refused = `fetch failed: connect ECONNREFUSED ${issuer.slice("http://".length)}`;
    await expect(discoverIssuer(issuer, { timeoutMs: 1000 })).rejects.toThrow(
      `no authorization-server metadata for ${issuer} (${issuer}/.well-known/oauth-authorization-server: ${refused}; ${issuer}/.well-known/openid-configuration: ${refused})`,
    );
  });
});
