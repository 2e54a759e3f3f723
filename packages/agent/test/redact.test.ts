import { describe, expect, it } from "vitest";
import { isSecretKey, redact, redactText } from "../src/redact.js";
import { resolveConfig } from "../src/resolve-config.js";

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
    ["https://user:hunter2@example.com/x", "https://[redacted]@example.com/x"],
    ["https://ghx-us3rt0ken@git.example/r.git", "https://[redacted]@git.example/r.git"],
    ["https://api.io/v1?accesstoken=abc123&q=1", "https://api.io/v1?accesstoken=[redacted]&q=1"],
    ["token ghp_abcdefghijklmnopqrstuvwxyz0123", "token [redacted]"],
    ["SELECT * FROM users", "SELECT * FROM users"],
    [
      "https://s3.aws.com/b/k?X-Amz-Credential=AKIDEXAMPLE%2F2026&X-Amz-Signature=abc123def",
      "https://s3.aws.com/b/k?X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]",
    ],
    ["https://blob.core.net/c?sv=2022&sig=Zm9vYmFy", "https://blob.core.net/c?sv=2022&sig=[redacted]"],
    [
      "https://maps.googleapis.com/x?key=AIzaSyA1234567890abcdefghijklmnopqrstuv",
      "https://maps.googleapis.com/x?key=[redacted]",
    ],
    ["https://api.io/v1?q=cats&access_token=abc123&page=2", "https://api.io/v1?q=cats&access_token=[redacted]&page=2"],
    ["https://api.io/v1?api%5Fkey=abc123#top", "https://api.io/v1?api%5Fkey=[redacted]#top"],
    ["user=ann&password=hunter2", "user=ann&password=[redacted]"],
    ['{"user": "ann", "password": "hun\\"ter2", "n": 1}', '{"user": "ann", "password": "[redacted]", "n": 1}'],
    ['{"client_secret":"s3cr3t"}', '{"client_secret":"[redacted]"}'],
    ["https://api.io/search?q=token&sort=asc", "https://api.io/search?q=token&sort=asc"],
    ['{"author": "ann", "tokens_used": "12"}', '{"author": "ann", "tokens_used": "12"}'],
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

describe("withoutPassword", () => {
  it.each([
    ["http://me:pa ss@gw:99999", "http://me:[redacted]@gw:99999"],
    ["https://u:se/cret@gw.example:99999", "https://u:[redacted]@gw.example:99999"],
    ["https://u:s@cret@gw:99999", "https://u:[redacted]@gw:99999"],
  ])("does not repeat a password from ANTHROPIC_BASE_URL=%s in its refusal", (url, shown) => {
    expect(() => resolveConfig({}, [], { ANTHROPIC_BASE_URL: url }, "/p")).toThrow(
      `ANTHROPIC_BASE_URL=${shown} is not an http(s) URL`,
    );
  });
});
