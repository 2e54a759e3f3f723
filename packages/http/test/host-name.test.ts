import { describe, expect, it } from "vitest";
import { urlHost } from "../src/host-name.js";

describe("urlHost", () => {
  it.each([
    ["::1", "[::1]"],
    ["fd00::1", "[fd00::1]"],
    ["[::1]", "[::1]"],
    ["[::1]:8080", "[::1]:8080"],
    ["127.0.0.1", "127.0.0.1"],
    ["api.example.com:8443", "api.example.com:8443"],
  ])("%s → %s", (host, written) => {
    expect(urlHost(host)).toBe(written);
  });
});
