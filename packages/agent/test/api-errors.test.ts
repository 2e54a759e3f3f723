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

  it("names where a model the API does not know came from (a 404 not_found_error 'model: <id>')", () => {
    const error = Object.assign(new Error("404 model: claude-sonnet-9"), {
      status: 404,
      error: { type: "error", error: { type: "not_found_error", message: "model: claude-sonnet-9" } },
    });
    expect(errorLine(error, false)).toBe(
      "API error 404 not_found_error: model: claude-sonnet-9 — no such model for this key; check --model / ANTHROPIC_MODEL",
    );
  });

  it("keeps the API's words for any other not_found_error", () => {
    const error = Object.assign(new Error("404 file: f_1"), {
      status: 404,
      error: { type: "error", error: { type: "not_found_error", message: "file: f_1" } },
    });
    expect(errorLine(error, false)).toBe("API error 404 not_found_error: file: f_1");
  });

  it.each([
    [
      429,
      "rate_limit_error",
      "Rate limited",
      " (rate limited, the task not at fault): try again later, or raise --max-retries",
    ],
    [
      529,
      "overloaded_error",
      "Overloaded",
      " (the API's own trouble, the task not at fault): try again in a moment, or raise --max-retries",
    ],
    [
      500,
      "api_error",
      "Internal server error",
      " (the API's own trouble, the task not at fault): try again in a moment, or raise --max-retries",
    ],
    [400, "invalid_request_error", "messages: empty", ""],
  ])(
    "says whether a %i the retries did not get past is worth trying again, and how",
    (status, type, message, advice) => {
      const error = Object.assign(new Error(`${status} ${message}`), {
        status,
        error: { type: "error", error: { type, message } },
      });
      expect(errorLine(error, false)).toBe(`API error ${status} ${type}: ${message}${advice}`);
    },
  );
});
