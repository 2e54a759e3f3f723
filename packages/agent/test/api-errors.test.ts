import { describe, expect, it } from "vitest";
import { errorLine } from "../src/api-errors.js";

describe("errorLine", () => {
  it("says why the Messages API could not be reached, from the causes under the SDK's bare 'Connection error.'", () => {
    const refused = Object.assign(new Error("getaddrinfo ENOTFOUND api.example.invalid"), {
      code: "ENOTFOUND",
      syscall: "getaddrinfo",
    });
    const error = Object.assign(
      new Error("Connection error.", { cause: new TypeError("fetch failed", { cause: refused }) }),
      {
        name: "APIConnectionError",
      },
    );
    expect(errorLine(error, false)).toBe(
      "cannot reach the Messages API (Connection error.: fetch failed: getaddrinfo ENOTFOUND api.example.invalid); check ANTHROPIC_BASE_URL and the network",
    );
  });
});
