import { describe, expect, it } from "vitest";
import { isSecretKey, redact, redactText } from "../src/redact.js";

describe("redact", () => {
  it.each([
    ["apiKey", true],
    ["api_key", true],
    ["X-Api-Key", true],
    ["Authorization", true],
    ["password", true],
    ["client_secret", true],
    ["accessToken", true],
    ["AWS_SECRET_ACCESS_KEY", true],
    ["author", false],
    ["path", false],
    ["tokens_used", false],
    ["content", false],
  ])("key %j is secret: %s", (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });

  it.each([
    ["Authorization: Bearer abcdefghijklmnop", "Authorization: Bearer [redacted]"],
    ["key sk-ant-api03-abcdefghijklmnopqrstu", "key [redacted]"],
    ["https://user:hunter2@example.com/x", "https://user:[redacted]@example.com/x"],
    ["token ghp_abcdefghijklmnopqrstuvwxyz0123", "token [redacted]"],
    ["SELECT * FROM users", "SELECT * FROM users"],
  ])("redactText(%j)", (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it("redacts nested keys and values and leaves the rest", () => {
    expect(
      redact({
        url: "https://x.io",
        headers: { Authorization: "Bearer abcdefghijkl", Accept: "json" },
        rows: [1, "a"],
      }),
    ).toEqual({ url: "https://x.io", headers: { Authorization: "[redacted]", Accept: "json" }, rows: [1, "a"] });
  });
});
